package dev.devassist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient.ResponseReceiver;
import reactor.netty.resources.ConnectionProvider;

/**
 * Holds many concurrent streams open against an OpenAI-compatible server, round after
 * round, and reports after each round the server's heap after a full collection and its
 * resident memory, so that a leak shows as growth from round to round. System properties
 * {@code header.NAME=VALUE} add headers to every request (an API key, say).
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar URL PID STREAMS ROUNDS TOKENS MODEL
 * </pre>
 */
public final class StreamSoak {

	/**
	 * The heap in use, from {@code jcmd PID GC.heap_info}, read right after a full GC.
	 */
	private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total[^\\n]*used (\\d+)K");

	private StreamSoak() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 6) {
			System.err.println("Usage: StreamSoak URL PID STREAMS ROUNDS TOKENS MODEL");
			System.exit(2);
		}
		String url = args[0];
		long pid = Long.parseLong(args[1]);
		int streams = Integer.parseInt(args[2]);
		int rounds = Integer.parseInt(args[3]);
		int tokens = Integer.parseInt(args[4]);
		String model = args[5];

		ConnectionProvider connections = ConnectionProvider.builder("soak")
			.maxConnections(streams)
			.pendingAcquireMaxCount(streams)
			.pendingAcquireTimeout(Duration.ofSeconds(60))
			.build();
		reactor.netty.http.client.HttpClient client = reactor.netty.http.client.HttpClient.create(connections)
			.baseUrl(url)
			.responseTimeout(Duration.ofSeconds(120));
		String body = "{\"model\":\"" + model + "\",\"prompt\":\"soak\",\"max_tokens\":" + tokens
				+ ",\"ignore_eos\":true,\"stream\":true}";

		System.out.printf("%-6s %8s %9s %7s %12s %12s %14s %12s%n", "round", "streams", "complete", "errors",
				"ttft_p50_ms", "ttft_p99_ms", "heap_after_gc", "rss");
		Sample baseline = sample(pid);
		System.out.printf("%-6s %8s %9s %7s %12s %12s %11.1f MB %9.1f MB%n", "before", "-", "-", "-", "-", "-",
				baseline.heapMb(), baseline.rssMb());
		double firstHeap = 0;
		double lastHeap = 0;
		int totalErrors = 0;
		for (int round = 1; round <= rounds; round++) {
			RoundResult result = runRound(client, body, streams, tokens);
			Sample sample = sample(pid);
			System.out.printf("%-6d %8d %9d %7d %12.1f %12.1f %11.1f MB %9.1f MB%n", round, streams, result.complete(),
					result.errors(), result.ttftP50Ms(), result.ttftP99Ms(), sample.heapMb(), sample.rssMb());
			if (round == 1) {
				firstHeap = sample.heapMb();
			}
			lastHeap = sample.heapMb();
			totalErrors += result.errors();
		}
		connections.disposeLater().block(Duration.ofSeconds(10));
		double growth = (firstHeap > 0) ? (lastHeap - firstHeap) / firstHeap : 0;
		System.out.printf("heap after GC, first round to last: %.1f MB -> %.1f MB (%+.1f%%); errors: %d%n", firstHeap,
				lastHeap, growth * 100, totalErrors);
		System.exit((totalErrors == 0 && growth < 0.25) ? 0 : 1);
	}

	private static RoundResult runRound(reactor.netty.http.client.HttpClient client, String body, int streams,
			int tokens) {
		AtomicInteger complete = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		long[] ttft = new long[streams];
		Flux.range(0, streams).flatMap((index) -> {
			long start = System.nanoTime();
			int[] events = new int[1];
			String[] carry = { "" };
			ResponseReceiver<?> request = client
				.headers((headers) -> Options.extraHeaders(headers.set("content-type", "application/json")))
				.post()
				.uri("/v1/completions")
				.send(ByteBufFlux.fromString(Mono.just(body)));
			return request.responseContent().map((ByteBuf chunk) -> {
				String text = chunk.toString(StandardCharsets.UTF_8);
				if (events[0] == 0) {
					ttft[index] = System.nanoTime() - start;
				}
				// An event's prefix can be split between two chunks: count over the tail
				// of the
				// previous chunk too, which is kept shorter than the prefix so nothing
				// counts twice.
				String joined = carry[0] + text;
				events[0] += count(joined, "data: ");
				carry[0] = joined.substring(Math.max(0, joined.length() - 5));
				return joined.contains("[DONE]");
			}).reduce(false, (seen, done) -> seen || done).doOnNext((done) -> {
				if (done && events[0] == tokens + 1) {
					complete.incrementAndGet();
				}
				else {
					if (errors.incrementAndGet() <= 3) {
						System.err.printf("stream %d ended with done=%s after %d events%n", index, done, events[0]);
					}
				}
			}).onErrorResume((ex) -> {
				if (errors.incrementAndGet() <= 3) {
					System.err.printf("stream %d failed: %s%n", index, ex);
				}
				return Mono.empty();
			});
		}, streams).blockLast(Duration.ofMinutes(5));
		long[] sorted = Arrays.stream(ttft).filter((value) -> value > 0).sorted().toArray();
		return new RoundResult(complete.get(), errors.get(), percentile(sorted, 0.50), percentile(sorted, 0.99));
	}

	private static int count(String text, String needle) {
		int count = 0;
		for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
			count++;
		}
		return count;
	}

	private static double percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
		return sorted[Math.max(0, index)] / 1e6;
	}

	private static Sample sample(long pid) throws IOException, InterruptedException {
		new ProcessBuilder("jcmd", String.valueOf(pid), "GC.run").redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start()
			.waitFor(30, TimeUnit.SECONDS);
		Process info = new ProcessBuilder("jcmd", String.valueOf(pid), "GC.heap_info").redirectErrorStream(true)
			.start();
		String heapInfo = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		info.waitFor(30, TimeUnit.SECONDS);
		Matcher matcher = HEAP_USED.matcher(heapInfo);
		double heapKb = matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
		List<String> status = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
		double rssKb = status.stream()
			.filter((line) -> line.startsWith("VmRSS:"))
			.mapToDouble((line) -> Double.parseDouble(line.replaceAll("[^0-9]", "")))
			.findFirst()
			.orElse(0);
		return new Sample(heapKb / 1024, rssKb / 1024);
	}

	private record Sample(double heapMb, double rssMb) {
	}

	private record RoundResult(int complete, int errors, double ttftP50Ms, double ttftP99Ms) {
	}

}
