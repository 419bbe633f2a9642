package dev.devassist.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multi-turn chat workload: users arrive at a fixed mean rate (Poisson), and each holds
 * a conversation of several rounds that opens with one long system prompt shared by all
 * and grows with every question and answer (each user named in the {@code user} field),
 * pausing a random think time between rounds. Every turn is streamed, and its time to
 * first token measured from the moment it was sent. Arrivals do not wait for answers (an
 * open loop over users), so a slow pool builds a queue rather than slowing the load.
 *
 * <pre>
 * ChatWorkload --url=URL [--label=NAME] [--users-per-second=2] [--seconds=30]
 *   [--rounds=6] [--think-ms=500] [--system-chars=6000] [--turn-chars=1000]
 *   [--max-tokens=48] [--model=NAME] [--priority=interactive] [--tenant=NAME]
 *   [--replica-metrics=URL,URL...] [--seed=1] [--system-seed=42] [--warmup-seconds=0]
 * </pre>
 *
 * A warm-up run should use another {@code --system-seed}, so that it warms the JVMs but
 * not the caches. With {@code --warmup-seconds}, the load runs that much longer first and
 * the turns sent in that time are not counted: the generator's own start (class loading,
 * compilation, first connections) then stays out of the figures. Prints one line: label,
 * users, requests, answered (200), refused (429), server errors (5xx), TTFT p50/p90/p99
 * in ms, end-to-end p50 in ms, output tokens per second, and the replicas' prefix-cache
 * hit rate over the run (from their {@code vllm:prefix_cache_*} counters) when their
 * metrics URLs are given.
 */
public final class ChatWorkload {

	private static final Pattern CONTENT = Pattern.compile("\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");

	private static final String[] WORDS = ("the proxy routes each request to a replica queue batch tenant cache "
			+ "prefix token stream latency model server retry timeout health metric gateway service index chunk "
			+ "embedding vector search answer cite file line build test deploy chart pod node alert budget")
		.split(" ");

	private final Map<String, String> options;

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.build();

	private final ConcurrentLinkedQueue<long[]> turns = new ConcurrentLinkedQueue<>();

	private final AtomicInteger errors = new AtomicInteger();

	private final AtomicInteger rejected = new AtomicInteger();

	private final AtomicInteger serverErrors = new AtomicInteger();

	private final AtomicInteger missingRetryAfter = new AtomicInteger();

	private final AtomicLong outputTokens = new AtomicLong();

	/** Turns sent before this moment warm the generator up and are not counted. */
	private volatile long measureFrom;

	private ChatWorkload(Map<String, String> options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args, "url");
		new ChatWorkload(options).run();
	}

	private String option(String name, String fallback) {
		return this.options.getOrDefault(name, fallback);
	}

	private void run() throws Exception {
		double usersPerSecond = Double.parseDouble(option("users-per-second", "2"));
		int seconds = Integer.parseInt(option("seconds", "30"));
		Random random = new Random(Long.parseLong(option("seed", "1")));
		String system = text(new Random(Long.parseLong(option("system-seed", "42"))),
				Integer.parseInt(option("system-chars", "6000")));
		List<String> metricsUrls = option("replica-metrics", "").isEmpty() ? List.of()
				: List.of(option("replica-metrics", "").split(","));
		double[] before = prefixCounters(metricsUrls);

		int warmup = Integer.parseInt(option("warmup-seconds", "0"));
		long start = System.nanoTime();
		this.measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
		long end = this.measureFrom + TimeUnit.SECONDS.toNanos(seconds);
		long due = start;
		int users = 0;
		try (ExecutorService conversations = Executors.newVirtualThreadPerTaskExecutor()) {
			while (true) {
				due += (long) (-Math.log(1 - random.nextDouble()) / usersPerSecond * 1e9);
				if (due >= end) {
					break;
				}
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
				long seed = random.nextLong();
				users++;
				conversations.submit(() -> converse(system, new Random(seed)));
			}
		}
		double elapsed = (System.nanoTime() - this.measureFrom) / 1e9;
		double[] after = prefixCounters(metricsUrls);
		long[] ttft = this.turns.stream().mapToLong((turn) -> turn[0]).sorted().toArray();
		long[] e2e = this.turns.stream().mapToLong((turn) -> turn[1]).sorted().toArray();
		double queries = after[0] - before[0];
		String hitRate = (queries > 0) ? String.format(Locale.ROOT, "%.3f", (after[1] - before[1]) / queries) : "n/a";
		System.out.printf(Locale.ROOT, "%-22s %6d %8d %7d %7d %5d %9.1f %9.1f %9.1f %9.1f %9.1f %8s%n",
				option("label", "run"), users, this.turns.size() + this.errors.get(), this.turns.size(),
				this.rejected.get(), this.serverErrors.get(), percentile(ttft, 0.50), percentile(ttft, 0.90),
				percentile(ttft, 0.99), percentile(e2e, 0.50), this.outputTokens.get() / elapsed, hitRate);
		if (this.missingRetryAfter.get() > 0) {
			System.out.println("  " + this.missingRetryAfter.get() + " refusals (429) came without Retry-After");
		}
	}

	private void converse(String system, Random random) {
		int rounds = Integer.parseInt(option("rounds", "6"));
		int turnChars = Integer.parseInt(option("turn-chars", "1000"));
		long thinkMs = Long.parseLong(option("think-ms", "500"));
		String user = "user-" + Long.toHexString(random.nextLong());
		StringBuilder messages = new StringBuilder("{\"role\":\"system\",\"content\":\"" + system + "\"}");
		for (int round = 0; round < rounds; round++) {
			messages.append(",{\"role\":\"user\",\"content\":\"").append(text(random, turnChars)).append("\"}");
			String answer = turn(user, messages.toString());
			if (answer == null) {
				return;
			}
			messages.append(",{\"role\":\"assistant\",\"content\":\"").append(answer).append("\"}");
			long think = (long) (-Math.log(1 - random.nextDouble()) * thinkMs);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(think));
		}
	}

	/**
	 * Sends one turn and returns the answer's text, still JSON-escaped, or null on error.
	 */
	private String turn(String user, String messages) {
		String body = "{\"model\":\"" + option("model", "meta-llama/Llama-3.1-8B-Instruct") + "\",\"user\":\"" + user
				+ "\",\"messages\":[" + messages + "],\"max_tokens\":" + option("max-tokens", "48")
				+ ",\"ignore_eos\":true,\"stream\":true}";
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(option("url", "")))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(120))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (this.options.containsKey("priority")) {
			request.header("x-priority", option("priority", ""));
		}
		if (this.options.containsKey("tenant")) {
			request.header("x-tenant", option("tenant", ""));
		}
		long sent = System.nanoTime();
		boolean counted = sent - this.measureFrom >= 0;
		try {
			HttpResponse<java.io.InputStream> response = this.http.send(request.build(),
					HttpResponse.BodyHandlers.ofInputStream());
			if (response.statusCode() != 200) {
				response.body().close();
				if (!counted) {
					return null;
				}
				if (response.statusCode() == 429) {
					this.rejected.incrementAndGet();
					if (response.headers().firstValue("retry-after").isEmpty()) {
						this.missingRetryAfter.incrementAndGet();
					}
				}
				else if (response.statusCode() >= 500) {
					this.serverErrors.incrementAndGet();
				}
				this.errors.incrementAndGet();
				return null;
			}
			long first = 0;
			int tokens = 0;
			StringBuilder answer = new StringBuilder();
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					Matcher content = CONTENT.matcher(line);
					if (line.startsWith("data: {") && content.find() && !content.group(1).isEmpty()) {
						if (first == 0) {
							first = System.nanoTime();
						}
						tokens++;
						answer.append(content.group(1));
					}
					else if (line.contains("\"error\"")) {
						if (counted) {
							this.errors.incrementAndGet();
						}
						return null;
					}
				}
			}
			if (first == 0) {
				if (counted) {
					this.errors.incrementAndGet();
				}
				return null;
			}
			if (counted) {
				this.outputTokens.addAndGet(tokens);
				this.turns.add(new long[] { first - sent, System.nanoTime() - sent });
			}
			return answer.toString();
		}
		catch (IOException ex) {
			if (counted) {
				this.errors.incrementAndGet();
			}
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static String text(Random random, int chars) {
		StringBuilder text = new StringBuilder(chars + 16);
		while (text.length() < chars) {
			text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
		}
		return text.toString();
	}

	/**
	 * Sums {@code vllm:prefix_cache_queries_total} and {@code _hits_total} over the
	 * replicas.
	 */
	private double[] prefixCounters(List<String> urls) {
		double[] sums = new double[2];
		for (String url : urls) {
			try {
				String page = this.http
					.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
							HttpResponse.BodyHandlers.ofString())
					.body();
				for (String line : page.lines().toList()) {
					if (line.startsWith("vllm:prefix_cache_queries_total")) {
						sums[0] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
					}
					else if (line.startsWith("vllm:prefix_cache_hits_total")) {
						sums[1] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
					}
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot read " + url, ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return sums;
	}

	private static double percentile(long[] sorted, double quantile) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
		return sorted[index] / 1e6;
	}

}
