package dev.devassist.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/**
 * Time to first token of assistant-service at many concurrent conversations, beside the
 * model server's own time to first token at the same concurrency, in one run. The
 * platform's own share (assistant, rag-service and proxy) is the difference. Memory of
 * assistant-service is sampled all along, to show whether it stays flat.
 *
 * <p>
 * Arguments: {@code --assistant=URL --simulator=URL --rag=URL --token-command=CMD}
 * {@code [--corpus=DIR] [--users=100] [--seconds=60] [--reference-seconds=20]}
 * {@code [--pid=PID] [--model=NAME]}.
 */
public final class AssistantBenchmark {

	private static final String[] TOPICS = { "routing a request to a replica", "the ingestion job queue",
			"how search fuses dense and lexical hits", "the circuit breaker of the model server", "tenant isolation",
			"how citations map to lines", "the embedding batcher", "graceful shutdown of streams",
			"retries before the first byte", "the Lucene index writer", "webhook secrets", "chunking of Java code" };

	private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.eE+]+)");

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final Map<String, String> options;

	private final RagClient tokens;

	private AssistantBenchmark(Map<String, String> options) {
		this.options = options;
		this.tokens = new RagClient(options.get("rag"), options.get("token-command"));
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args, "assistant", "simulator", "rag", "token-command");
		new AssistantBenchmark(options).run();
	}

	private void run() throws Exception {
		int users = Integer.parseInt(this.options.getOrDefault("users", "100"));
		int seconds = Integer.parseInt(this.options.getOrDefault("seconds", "60"));
		int referenceSeconds = Integer.parseInt(this.options.getOrDefault("reference-seconds", "20"));
		long think = Long.parseLong(this.options.getOrDefault("think-ms", "0"));
		if (this.options.containsKey("corpus")) {
			index(Path.of(this.options.get("corpus")));
		}
		System.out.printf("warming up: 10 conversations for 10 s%n");
		platform(10, 10, 0, new Memory(null, null));

		Result reference = reference(users, referenceSeconds, think);
		Memory memory = new Memory(this.options.get("assistant"), this.options.get("pid"));
		Result platform = platform(users, seconds, think, memory);
		System.out.printf("%nconversations: %d, each a closed loop with %s between an answer and the next question%n",
				users, (think == 0) ? "no pause" : "a pause of " + think / 2 + "-" + think * 3 / 2 + " ms");

		System.out.println();
		System.out.printf("%-34s %6s %7s %7s %9s %9s %9s %9s%n", "target (ms)", "users", "turns", "errors", "ttft_p50",
				"ttft_p90", "ttft_p95", "ttft_p99");
		reference.print("model server alone (simulator)", users);
		platform.print("platform (/api/chat, SSE)", users);
		System.out.printf(
				"%nplatform's own time to first token, p95: %.1f ms (platform p95 %.1f - model server p95 %.1f);"
						+ " target <= 30 ms%n",
				platform.p(0.95) - reference.p(0.95), platform.p(0.95), reference.p(0.95));
		System.out.printf(
				"as the service measures it (firstTokenMs): p50 %.1f  p95 %.1f ms; retrieval (tookMs): p50 %.1f"
						+ "  p95 %.1f ms%n",
				platform.server(0.50), platform.server(0.95), platform.retrieval(0.50), platform.retrieval(0.95));
		System.out.printf(
				"steps as the client sees them, p50 / p95 (ms): to 'start' (message saved) %.1f / %.1f;"
						+ " 'start' to 'retrieval' (evidence, history, prompt) %.1f / %.1f; 'retrieval' to first delta"
						+ " (proxy and model) %.1f / %.1f%n",
				platform.step(0, 0.5), platform.step(0, 0.95), platform.step(1, 0.5), platform.step(1, 0.95),
				platform.step(2, 0.5), platform.step(2, 0.95));
		memory.print();
	}

	private void index(Path corpus) throws IOException {
		Map<String, byte[]> files = new LinkedHashMap<>();
		try (Stream<Path> walk = Files.walk(corpus)) {
			for (Path file : walk.filter(Files::isRegularFile)
				.filter((path) -> path.toString().endsWith(".java") || path.toString().endsWith(".md"))
				.limit(400)
				.toList()) {
				files.put(corpus.relativize(file).toString(), Files.readAllBytes(file));
			}
		}
		long started = System.nanoTime();
		RagClient.Uploaded uploaded = this.tokens.uploadAll(files, "assistant-benchmark", 100);
		System.out.printf("indexed %d files, %d chunks in %.1f s%n", files.size(), uploaded.chunks(),
				(System.nanoTime() - started) / 1e9);
	}

	private Result reference(int users, int seconds, long think) throws InterruptedException {
		String prompt = "Passages:\n" + "The service routes each request to a replica by load. ".repeat(120)
				+ "\nQuestion: which replica?";
		String body = RagClient.JSON
			.writeValueAsString(Map.of("model", this.options.getOrDefault("model", "meta-llama/Llama-3.1-8B-Instruct"),
					"stream", true, "max_tokens", 16, "messages", List.of(Map.of("role", "user", "content", prompt))));
		Result result = new Result();
		long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		loops(users, (user) -> {
			stagger(think);
			while (System.nanoTime() < end) {
				HttpRequest request = HttpRequest
					.newBuilder(URI.create(this.options.get("simulator") + "/v1/chat/completions"))
					.header("Content-Type", "application/json")
					.timeout(Duration.ofSeconds(60))
					.POST(HttpRequest.BodyPublishers.ofString(body))
					.build();
				long started = System.nanoTime();
				try (BufferedReader lines = open(request)) {
					long first = 0;
					String line;
					while ((line = lines.readLine()) != null) {
						if (first == 0 && line.contains("\"content\"") && !line.contains("\"content\":\"\"")) {
							first = System.nanoTime();
						}
					}
					result.add(first, started, -1, -1);
				}
				catch (IOException | RuntimeException ex) {
					result.error();
				}
				pause(think);
			}
		});
		return result;
	}

	/**
	 * Spreads the conversations' first questions over one pause, so a phase does not open
	 * with all of them at once.
	 */
	private static void stagger(long think) {
		if (think == 0) {
			return;
		}
		try {
			Thread.sleep(ThreadLocalRandom.current().nextLong(think + 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void pause(long think) {
		if (think == 0) {
			return;
		}
		try {
			Thread.sleep(think / 2 + ThreadLocalRandom.current().nextLong(think + 1));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private Result platform(int users, int seconds, long think, Memory memory) throws InterruptedException {
		Result result = new Result();
		long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		Thread sampler = Thread.ofVirtual().start(() -> memory.sample(end));
		String token = this.tokens.token();
		loops(users, (user) -> {
			stagger(think);
			String conversation = null;
			int turn = 0;
			while (System.nanoTime() < end) {
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("message", "What does the code say about " + TOPICS[(user + turn) % TOPICS.length] + "? (user "
						+ user + ", question " + turn + ")");
				if (conversation != null) {
					body.put("conversationId", conversation);
				}
				HttpRequest request = HttpRequest.newBuilder(URI.create(this.options.get("assistant") + "/api/chat"))
					.header("Content-Type", "application/json")
					.header("Accept", "text/event-stream")
					.header("Authorization", "Bearer " + token)
					.timeout(Duration.ofSeconds(120))
					.POST(HttpRequest.BodyPublishers.ofString(RagClient.JSON.writeValueAsString(body)))
					.build();
				long started = System.nanoTime();
				String[] seen = { "none", "" };
				try (BufferedReader lines = open(request)) {
					Thread watchdog = Thread.ofVirtual().start(() -> closeAfter(lines, Duration.ofSeconds(60)));
					long first = 0;
					long retrieval = -1;
					long server = -1;
					long startAt = 0;
					long retrievalAt = 0;
					boolean complete = false;
					String line;
					while ((line = lines.readLine()) != null) {
						if (!line.startsWith("data:")) {
							continue;
						}
						JsonNode event = RagClient.JSON.readTree(line.substring(5));
						seen[0] = event.path("type").asString();
						if (seen[0].equals("start")) {
							seen[1] = event.path("turnId").asString();
						}
						switch (event.path("type").asString()) {
							case "start" -> {
								conversation = event.path("conversationId").asString();
								startAt = System.nanoTime();
							}
							case "retrieval" -> {
								retrieval = event.path("tookMs").asLong();
								retrievalAt = System.nanoTime();
							}
							case "delta" -> {
								if (first == 0) {
									first = System.nanoTime();
								}
							}
							case "done" -> {
								server = event.path("firstTokenMs").asLong(-1);
								complete = event.path("status").asString().equals("complete");
							}
							default -> {
							}
						}
					}
					watchdog.interrupt();
					if (complete) {
						result.add(first, started, retrieval, server);
						result.steps(startAt - started, retrievalAt - startAt, first - retrievalAt);
					}
					else {
						result.error();
					}
				}
				catch (IOException | RuntimeException ex) {
					result.error();
					if (System.nanoTime() - started > Duration.ofSeconds(59).toNanos()) {
						System.err.printf("a stream hung after its %s event, turn %s: %s%n", seen[0], seen[1], ex);
					}
				}
				turn++;
				if (turn % 5 == 0) {
					conversation = null;
				}
				pause(think);
			}
		});
		sampler.join();
		return result;
	}

	private static void closeAfter(BufferedReader lines, Duration limit) {
		try {
			Thread.sleep(limit);
			lines.close();
		}
		catch (InterruptedException | IOException ex) {
			// The stream ended in time, or is closed already.
		}
	}

	private BufferedReader open(HttpRequest request) throws IOException {
		try {
			HttpResponse<InputStream> response = this.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
			if (response.statusCode() != 200) {
				response.body().close();
				throw new IOException("answered " + response.statusCode());
			}
			return new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	private static void loops(int users, IntConsumer loop) throws InterruptedException {
		CountDownLatch done = new CountDownLatch(users);
		for (int user = 0; user < users; user++) {
			int id = user;
			Thread.ofVirtual().start(() -> {
				try {
					loop.accept(id);
				}
				finally {
					done.countDown();
				}
			});
		}
		done.await();
	}

	/**
	 * Times of one phase.
	 */
	private static final class Result {

		private final ConcurrentLinkedQueue<Long> ttft = new ConcurrentLinkedQueue<>();

		private final ConcurrentLinkedQueue<Long> retrieval = new ConcurrentLinkedQueue<>();

		private final ConcurrentLinkedQueue<Long> server = new ConcurrentLinkedQueue<>();

		private final AtomicInteger errors = new AtomicInteger();

		private final List<ConcurrentLinkedQueue<Long>> steps = List.of(new ConcurrentLinkedQueue<>(),
				new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());

		void steps(long... nanos) {
			for (int i = 0; i < nanos.length; i++) {
				this.steps.get(i).add(nanos[i]);
			}
		}

		double step(int step, double quantile) {
			return percentile(this.steps.get(step), quantile);
		}

		void add(long first, long started, long retrievalMs, long serverMs) {
			if (first == 0) {
				error();
				return;
			}
			this.ttft.add(first - started);
			if (retrievalMs >= 0) {
				this.retrieval.add(retrievalMs * 1_000_000);
			}
			if (serverMs >= 0) {
				this.server.add(serverMs * 1_000_000);
			}
		}

		void error() {
			this.errors.incrementAndGet();
		}

		double p(double quantile) {
			return percentile(this.ttft, quantile);
		}

		double server(double quantile) {
			return percentile(this.server, quantile);
		}

		double retrieval(double quantile) {
			return percentile(this.retrieval, quantile);
		}

		void print(String name, int users) {
			System.out.printf("%-34s %6d %7d %7d %9.1f %9.1f %9.1f %9.1f%n", name, users, this.ttft.size(),
					this.errors.get(), p(0.50), p(0.90), p(0.95), p(0.99));
		}

		private static double percentile(ConcurrentLinkedQueue<Long> values, double quantile) {
			long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
			if (sorted.length == 0) {
				return Double.NaN;
			}
			int index = (int) Math.ceil(quantile * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
		}

	}

	/**
	 * assistant-service's heap and resident memory over the run, every five seconds.
	 */
	private final class Memory {

		private final String url;

		private final String pid;

		private final List<long[]> samples = new ArrayList<>();

		private final List<long[]> live = new ArrayList<>();

		Memory(String url, String pid) {
			this.url = url;
			this.pid = pid;
		}

		void sample(long end) {
			if (this.url == null) {
				return;
			}
			long started = System.nanoTime();
			int count = 0;
			while (System.nanoTime() < end) {
				long heap = heap();
				long rss = rss();
				synchronized (this.samples) {
					this.samples.add(new long[] { (System.nanoTime() - started) / 1_000_000_000, heap, rss });
				}
				if (++count % 6 == 0 && this.pid != null) {
					// What the heap holds after a full collection: the live set, the
					// figure
					// that shows a leak; heap in use otherwise swings with the collector.
					collect();
					synchronized (this.samples) {
						this.live.add(new long[] { (System.nanoTime() - started) / 1_000_000_000, heap(), rss() });
					}
				}
				try {
					Thread.sleep(5_000);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		void print() {
			if (this.samples.size() < 4) {
				return;
			}
			System.out.printf("%nassistant-service memory (MiB)    %8s %8s%n", "heap", "rss");
			int quarter = Math.max(1, this.samples.size() / 4);
			double[] first = mean(this.samples.subList(0, quarter));
			double[] last = mean(this.samples.subList(this.samples.size() - quarter, this.samples.size()));
			System.out.printf("first quarter of the run (mean)   %8.1f %8.1f%n", first[0], first[1]);
			System.out.printf("last quarter of the run (mean)    %8.1f %8.1f%n", last[0], last[1]);
			System.out.printf("last / first                      %8.2f %8.2f%n", last[0] / first[0],
					last[1] / first[1]);
			long[] peak = this.samples.stream()
				.reduce(new long[3], (a, b) -> new long[] { 0, Math.max(a[1], b[1]), Math.max(a[2], b[2]) });
			System.out.printf("peak                              %8.1f %8.1f%n", peak[1] / 1048576.0,
					peak[2] / 1048576.0);
			if (!this.live.isEmpty()) {
				System.out.printf("%nlive heap after a full GC, every 30 s (MiB), and rss:%n");
				for (long[] sample : this.live) {
					System.out.printf("  %4d s  heap %6.1f  rss %6.1f%n", sample[0], sample[1] / 1048576.0,
							sample[2] / 1048576.0);
				}
			}
			System.out.flush();
		}

		private double[] mean(List<long[]> part) {
			return new double[] {
					Arrays.stream(part.toArray(long[][]::new)).mapToLong((s) -> s[1]).average().orElse(0) / 1048576.0,
					Arrays.stream(part.toArray(long[][]::new)).mapToLong((s) -> s[2]).average().orElse(0) / 1048576.0 };
		}

		private void collect() {
			try {
				Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
				new ProcessBuilder(jcmd.toString(), this.pid, "GC.run").redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start()
					.waitFor();
			}
			catch (IOException ex) {
				// No jcmd: the heap in use is all there is.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		private long heap() {
			try {
				HttpResponse<String> metrics = AssistantBenchmark.this.http
					.send(HttpRequest.newBuilder(URI.create(this.url + "/actuator/prometheus"))
						.header("Authorization", "Bearer " + AssistantBenchmark.this.tokens.token())
						.build(), HttpResponse.BodyHandlers.ofString());
				Matcher matcher = HEAP.matcher(metrics.body());
				long sum = 0;
				while (matcher.find()) {
					sum += (long) Double.parseDouble(matcher.group(1));
				}
				return sum;
			}
			catch (IOException ex) {
				return 0;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return 0;
			}
		}

		private long rss() {
			if (this.pid == null) {
				return 0;
			}
			try {
				for (String line : Files.readAllLines(Path.of("/proc", this.pid, "status"))) {
					if (line.startsWith("VmRSS:")) {
						return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
					}
				}
			}
			catch (IOException ex) {
				return 0;
			}
			return 0;
		}

	}

}
