package dev.devassist.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * rag-service's speed, through its API, with CoSQA's functions and queries as the
 * workload.
 *
 * <ul>
 * <li>{@code --mode=load --copies=N}: uploads N variants of the 6,267 functions (each
 * copy's identifiers renamed and a line of words added, so no two vectors coincide) and
 * waits for ingestion; 16 copies make about 100,000 chunks.</li>
 * <li>{@code --mode=search --seconds=S}: one client, then 16, send the 500 queries in a
 * closed loop for S seconds each, and print latency percentiles and throughput.</li>
 * <li>{@code --mode=ingest --files=N --proxy=URL --model=M}: embeds N functions straight
 * through the proxy (32 per call, 3 calls in flight, as ingestion does), then ingests the
 * same N functions through the API, then embeds them raw again, and prints chunks/s of
 * each and the ratio.</li>
 * </ul>
 * Common: {@code --data=../shared/data/cosqa --url=http://127.0.0.1:8082
 * --token-command="./devassist token --tenant=T"}.
 */
public final class RagBenchmark {

	private RagBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args, "mode", "data", "url", "token-command");
		RagClient rag = new RagClient(options.get("url"), options.get("token-command"));
		Path data = Path.of(options.get("data"));
		switch (options.get("mode")) {
			case "load" -> load(rag, data, Integer.parseInt(options.getOrDefault("copies", "16")));
			case "search" -> search(rag, data, Integer.parseInt(options.getOrDefault("seconds", "30")));
			case "ingest" -> ingest(rag, data, Integer.parseInt(options.getOrDefault("files", "1000")),
					options.get("proxy"), options.getOrDefault("model", "all-minilm-l6-v2"));
			default -> throw new IllegalArgumentException("--mode is load, search or ingest");
		}
	}

	private static void load(RagClient rag, Path data, int copies) throws IOException {
		List<String> functions = List.copyOf(Cosqa.functions(data).values());
		List<String> words = vocabulary(functions);
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (int copy = 0; copy < copies; copy++) {
			Random random = new Random(copy);
			for (int i = 0; i < functions.size(); i++) {
				String variant = variant(functions.get(i), copy, words, random);
				files.put("copy" + copy + "/f" + i + ".py", variant.getBytes(StandardCharsets.UTF_8));
			}
		}
		long started = System.nanoTime();
		RagClient.Uploaded uploaded = rag.uploadAll(files, "search-benchmark", 900);
		JsonNode source = rag.get("/api/sources/" + uploaded.sourceId());
		System.out.printf("Loaded %d files, %d chunks (index now holds %d for the source) in %.0f s.%n",
				source.path("fileCount").asInt(), uploaded.chunks(), source.path("chunkCount").asInt(),
				(System.nanoTime() - started) / 1e9);
	}

	private static void search(RagClient rag, Path data, int seconds) throws Exception {
		List<String> queries = Cosqa.queries(data, Integer.MAX_VALUE).stream().map(Cosqa.Query::text).toList();
		run(rag, queries, 1, Math.max(3, seconds / 3), false);
		System.out.printf("%n%-10s %8s %9s %9s %9s %9s %8s%n", "clients", "requests", "req/s", "p50 ms", "p95 ms",
				"p99 ms", "errors");
		for (int clients : new int[] { 1, 16 }) {
			run(rag, queries, clients, seconds, true);
		}
	}

	private static void run(RagClient rag, List<String> queries, int clients, int seconds, boolean print)
			throws Exception {
		List<long[]> latencies = new ArrayList<>();
		AtomicLong errors = new AtomicLong();
		long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
		long started = System.nanoTime();
		try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
			List<Future<long[]>> futures = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				int offset = c * 31;
				futures.add(pool.submit(() -> {
					long[] samples = new long[1 << 20];
					int n = 0;
					for (int i = offset; System.nanoTime() < end && n < samples.length; i++) {
						long t = System.nanoTime();
						try {
							rag.post("/api/search", Map.of("query", queries.get(i % queries.size()), "limit", 10));
							samples[n++] = System.nanoTime() - t;
						}
						catch (RuntimeException ex) {
							errors.incrementAndGet();
						}
					}
					return Arrays.copyOf(samples, n);
				}));
			}
			for (Future<long[]> future : futures) {
				latencies.add(future.get());
			}
		}
		double elapsed = (System.nanoTime() - started) / 1e9;
		long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		if (print) {
			System.out.printf("%-10d %8d %9.1f %9.1f %9.1f %9.1f %8d%n", clients, all.length, all.length / elapsed,
					percentile(all, 0.50), percentile(all, 0.95), percentile(all, 0.99), errors.get());
		}
	}

	private static void ingest(RagClient rag, Path data, int files, String proxy, String model) throws Exception {
		List<String> all = List.copyOf(Cosqa.functions(data).values());
		List<String> functions = all.subList(0, files);
		// The model's first runs are slower (allocation, JIT); warm it on other texts
		// first.
		raw(proxy, model, all.subList(all.size() - Math.min(300, all.size() - files), all.size()));
		double rawBefore = raw(proxy, model, functions);
		String run = Long.toString(System.currentTimeMillis(), 36);
		Map<String, byte[]> upload = new LinkedHashMap<>();
		for (int i = 0; i < functions.size(); i++) {
			upload.put("ingest-" + run + "/f" + i + ".py", functions.get(i).getBytes(StandardCharsets.UTF_8));
		}
		long started = System.nanoTime();
		RagClient.Uploaded uploaded = rag.uploadAll(upload, "ingest-benchmark-" + run, 5000);
		long chunks = uploaded.chunks();
		double seconds = (System.nanoTime() - started) / 1e9;
		double ingested = chunks / seconds;
		double rawAfter = raw(proxy, model, functions);
		double rawMean = (rawBefore + rawAfter) / 2;
		System.out.printf("%n%-44s %10s %10s%n", "pass (" + files + " CoSQA functions)", "chunks", "chunks/s");
		System.out.printf("%-44s %10d %10.1f%n", "raw embedding through the proxy (before)", files, rawBefore);
		System.out.printf("%-44s %10d %10.1f%n", "ingestion through rag-service's API", chunks, ingested);
		System.out.printf("%-44s %10d %10.1f%n", "raw embedding through the proxy (after)", files, rawAfter);
		System.out.printf("%nIngestion / raw = %.2f (target >= 0.80); upload to job end, including parsing,"
				+ " chunking, storing, PostgreSQL and the index.%n", ingested / rawMean);
		rag.delete("/api/sources/" + uploaded.sourceId());
	}

	private static double raw(String proxy, String model, List<String> texts) throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		List<List<String>> batches = new ArrayList<>();
		for (int i = 0; i < texts.size(); i += 32) {
			batches.add(texts.subList(i, Math.min(texts.size(), i + 32)));
		}
		long started = System.nanoTime();
		try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
			List<Future<Integer>> calls = new ArrayList<>();
			for (List<String> batch : batches) {
				calls.add(pool.submit(() -> {
					String body = RagClient.JSON.writeValueAsString(Map.of("model", model, "input", batch));
					HttpResponse<String> response = http
						.send(HttpRequest.newBuilder(URI.create(proxy + "/v1/embeddings"))
							.header("Content-Type", "application/json")
							.header("x-priority", "batch")
							.POST(HttpRequest.BodyPublishers.ofString(body))
							.build(), HttpResponse.BodyHandlers.ofString());
					if (response.statusCode() != 200) {
						throw new IllegalStateException("The proxy answered " + response.statusCode());
					}
					return batch.size();
				}));
			}
			for (Future<Integer> call : calls) {
				call.get();
			}
		}
		return texts.size() / ((System.nanoTime() - started) / 1e9);
	}

	private static String variant(String function, int copy, List<String> words, Random random) {
		if (copy == 0) {
			return function;
		}
		StringBuilder line = new StringBuilder("# variant ").append(copy).append(':');
		for (int w = 0; w < 12; w++) {
			line.append(' ').append(words.get(random.nextInt(words.size())));
		}
		return function.replaceFirst("def (\\w+)", "def $1_v" + copy) + "\n" + line + "\n";
	}

	private static List<String> vocabulary(List<String> functions) {
		List<String> words = new ArrayList<>();
		for (String function : functions.subList(0, Math.min(2000, functions.size()))) {
			for (String word : function.split("[^A-Za-z]+")) {
				if (word.length() > 3) {
					words.add(word.toLowerCase());
				}
			}
		}
		return words.stream().distinct().toList();
	}

	private static double percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
	}

}
