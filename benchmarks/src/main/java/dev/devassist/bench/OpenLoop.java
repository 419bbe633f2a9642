package dev.devassist.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Sends requests at a fixed arrival rate, whatever the server's speed (an open loop), and
 * measures each latency from the moment the request was due, not from when it was sent,
 * so that a stalled server cannot hide its stall (no coordinated omission). For streams
 * it measures the time to the first chunk that carries content, and reads each stream to
 * its end, as a client that keeps its connection does.
 *
 * <pre>
 * OpenLoop RATE SECONDS ROUNDS WARMUP_SECONDS BODY plain|stream LABEL=URL...
 * </pre>
 *
 * Each target is warmed up first; then in each round the targets take turns one second at
 * a time, all from one warmed-up client, so that the machine's noise falls on all alike.
 * Prints a line for each round and target: label, round, requests, errors, and p50, p90,
 * p99 and max in milliseconds. System properties {@code header.NAME=VALUE} add headers to
 * every request (an API key, say).
 */
public final class OpenLoop {

	private static final Pattern CONTENT = Pattern.compile("\"content\":\"[^\"]");

	private OpenLoop() {
	}

	public static void main(String[] args) throws InterruptedException {
		if (args.length < 7) {
			System.err.println("Usage: OpenLoop RATE SECONDS ROUNDS WARMUP_SECONDS BODY plain|stream LABEL=URL...");
			System.exit(2);
		}
		int rate = Integer.parseInt(args[0]);
		int seconds = Integer.parseInt(args[1]);
		int rounds = Integer.parseInt(args[2]);
		int warmup = Integer.parseInt(args[3]);
		byte[] body = args[4].getBytes(StandardCharsets.UTF_8);
		boolean stream = args[5].equals("stream");

		ConnectionProvider connections = ConnectionProvider.builder("open-loop")
			.maxConnections(2048)
			.pendingAcquireMaxCount(-1)
			.build();
		HttpClient client = HttpClient.create(connections)
			.headers((headers) -> Options.extraHeaders(headers.set("content-type", "application/json")))
			.responseTimeout(Duration.ofSeconds(30));
		for (int i = 6; i < args.length; i++) {
			String url = args[i].substring(args[i].indexOf('=') + 1);
			run(client, url, rate, warmup, body, stream);
		}
		int targets = args.length - 6;
		for (int round = 1; round <= rounds; round++) {
			// The targets take turns second by second, so that the machine's slower
			// spells
			// fall on all of them alike rather than on whichever ran through them.
			Sample[] samples = new Sample[targets];
			for (int i = 0; i < targets; i++) {
				samples[i] = new Sample();
			}
			for (int second = 0; second < seconds; second++) {
				for (int i = 0; i < targets; i++) {
					String url = args[6 + i].substring(args[6 + i].indexOf('=') + 1);
					samples[i].add(run(client, url, rate, 1, body, stream));
				}
			}
			for (int i = 0; i < targets; i++) {
				String label = args[6 + i].substring(0, args[6 + i].indexOf('='));
				Result result = samples[i].result();
				System.out.printf(Locale.ROOT, "%-12s %5d %8d %7d %9.3f %9.3f %9.3f %9.3f%n", label, round,
						result.requests(), result.errors(), result.p50(), result.p90(), result.p99(), result.max());
			}
		}
		connections.disposeLater().block(Duration.ofSeconds(10));
	}

	private static Slice run(HttpClient client, String url, int rate, int seconds, byte[] body, boolean stream)
			throws InterruptedException {
		int total = rate * seconds;
		long[] latencies = new long[total];
		AtomicInteger errors = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(total);
		long period = TimeUnit.SECONDS.toNanos(1) / rate;
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
		for (int i = 0; i < total; i++) {
			long due = start + i * period;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			int index = i;
			send(client, url, body, stream).subscribe((at) -> {
				latencies[index] = (at != 0) ? at - due : -1;
				if (at == 0) {
					errors.incrementAndGet();
				}
				done.countDown();
			}, (ex) -> {
				latencies[index] = -1;
				errors.incrementAndGet();
				done.countDown();
			});
		}
		if (!done.await(60, TimeUnit.SECONDS)) {
			errors.addAndGet((int) done.getCount());
		}
		return new Slice(total, errors.get(), latencies);
	}

	/**
	 * Sends one request and reads its whole answer, as a client that keeps its connection
	 * would: a stream is not cut off after its first token, which would cost every target
	 * a new connection per request.
	 * @return when the first content chunk (a stream) or the end of the answer came, or 0
	 * when the answer failed
	 */
	private static Mono<Long> send(HttpClient client, String url, byte[] body, boolean stream) {
		return client.post()
			.uri(url)
			.send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
			.response((response, content) -> {
				long[] first = new long[1];
				return content.doOnNext((ByteBuf chunk) -> {
					if (stream && first[0] == 0 && CONTENT.matcher(chunk.toString(StandardCharsets.UTF_8)).find()) {
						first[0] = System.nanoTime();
					}
				}).then(Mono.fromSupplier(() -> {
					long end = stream ? first[0] : System.nanoTime();
					return (response.status().code() == 200) ? end : 0L;
				}));
			})
			.next()
			.defaultIfEmpty(0L);
	}

	private static double percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
		return sorted[index] / 1e6;
	}

	private record Result(int requests, int errors, double p50, double p90, double p99, double max) {
	}

	/**
	 * One target's requests of one run: how many, how many failed, each latency (-1
	 * failed).
	 */
	private record Slice(int requests, int errors, long[] latencies) {
	}

	/** The slices of one target in one round, gathered. */
	private static final class Sample {

		private final java.util.List<Slice> slices = new java.util.ArrayList<>();

		void add(Slice slice) {
			this.slices.add(slice);
		}

		Result result() {
			int requests = this.slices.stream().mapToInt(Slice::requests).sum();
			int errors = this.slices.stream().mapToInt(Slice::errors).sum();
			long[] sorted = this.slices.stream()
				.flatMapToLong((slice) -> Arrays.stream(slice.latencies()))
				.filter((value) -> value > 0)
				.sorted()
				.toArray();
			return new Result(requests, errors, percentile(sorted, 0.50), percentile(sorted, 0.90),
					percentile(sorted, 0.99), percentile(sorted, 1.0));
		}

	}

}
