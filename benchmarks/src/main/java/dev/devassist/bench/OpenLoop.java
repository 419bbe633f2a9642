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
 * Each target is warmed up first, then the rounds visit the targets in turn, all from one
 * warmed-up client. Prints a line for each round and target: label, round, requests,
 * errors, and p50, p90, p99 and max in milliseconds.
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
			.headers((headers) -> headers.set("content-type", "application/json"))
			.responseTimeout(Duration.ofSeconds(30));
		for (int i = 6; i < args.length; i++) {
			String url = args[i].substring(args[i].indexOf('=') + 1);
			run(client, url, rate, warmup, body, stream);
		}
		for (int round = 1; round <= rounds; round++) {
			for (int i = 6; i < args.length; i++) {
				String label = args[i].substring(0, args[i].indexOf('='));
				String url = args[i].substring(args[i].indexOf('=') + 1);
				Result result = run(client, url, rate, seconds, body, stream);
				System.out.printf(Locale.ROOT, "%-12s %5d %8d %7d %9.3f %9.3f %9.3f %9.3f%n", label, round,
						result.requests(), result.errors(), result.p50(), result.p90(), result.p99(), result.max());
			}
		}
		connections.disposeLater().block(Duration.ofSeconds(10));
	}

	private static Result run(HttpClient client, String url, int rate, int seconds, byte[] body, boolean stream)
			throws InterruptedException {
		int total = rate * seconds;
		long[] latencies = new long[total];
		AtomicInteger errors = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(total);
		long period = TimeUnit.SECONDS.toNanos(1) / rate;
		long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
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
		long[] sorted = Arrays.stream(latencies).filter((value) -> value > 0).sorted().toArray();
		return new Result(total, errors.get(), percentile(sorted, 0.50), percentile(sorted, 0.90),
				percentile(sorted, 0.99), percentile(sorted, 1.0));
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

}
