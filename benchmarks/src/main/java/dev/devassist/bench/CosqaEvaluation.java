package dev.devassist.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Retrieval quality on CoSQA's dev split, through rag-service's own API: uploads the
 * 6,267 functions as one file each, waits for ingestion, runs the 500 queries in each
 * search mode and prints MRR, nDCG@10, Recall@10 and Recall@100. Then sweeps the fusion's
 * dense weight, and, so the chosen weight is not judged on the queries it was picked on,
 * picks the best weight on the even-numbered queries and reports it on the odd-numbered
 * ones.
 *
 * <p>
 * Arguments: {@code --data=../shared/data/cosqa} {@code --url=http://127.0.0.1:8082}
 * {@code --token-command="./devassist token --tenant=cosqa"} and optionally
 * {@code --queries=N} (the first N queries only) and {@code --corpus=N} (their gold
 * functions and the first others up to N, in a source of its own), for a smoke run.
 */
public final class CosqaEvaluation {

	private static final String SOURCE_NAME = "cosqa-dev";

	private static final String SMOKE_SOURCE_NAME = "cosqa-dev-smoke";

	private static final int FILES_PER_UPLOAD = 500;

	private static final int DEPTH = 100;

	private CosqaEvaluation() {
	}

	public static void main(String[] args) throws IOException {
		Map<String, String> options = Options.parse(args, "data", "url", "token-command");
		Path data = Path.of(options.get("data"));
		RagClient rag = new RagClient(options.get("url"), options.get("token-command"));
		List<Cosqa.Query> queries = Cosqa.queries(data, Integer.parseInt(options.getOrDefault("queries", "500")));

		Map<Integer, String> corpus = Cosqa.functions(data);
		if (options.containsKey("corpus")) {
			corpus = subset(corpus, queries, Integer.parseInt(options.get("corpus")));
		}
		String sourceId = ingest(rag, corpus, options.containsKey("corpus") ? SMOKE_SOURCE_NAME : SOURCE_NAME);

		System.out.printf("%nCoSQA dev, %d queries, one gold function each (rag-service API, hits per file 1)%n",
				queries.size());
		System.out.printf("%-28s %8s %8s %10s %11s%n", "retriever", "MRR", "nDCG@10", "Recall@10", "Recall@100");
		Map<String, int[]> ranks = new LinkedHashMap<>();
		ranks.put("lexical (BM25)", ranks(rag, sourceId, queries, "LEXICAL", null));
		ranks.put("dense (all-MiniLM-L6-v2)", ranks(rag, sourceId, queries, "DENSE", null));
		ranks.put("hybrid (configured weight)", ranks(rag, sourceId, queries, "HYBRID", null));
		ranks.forEach((name, found) -> print(name, found, 0, 1));

		System.out.printf("%nDense weight sweep (hybrid):%n");
		System.out.printf("%-28s %8s %8s %10s %11s%n", "dense weight", "MRR", "nDCG@10", "Recall@10", "Recall@100");
		Map<Double, int[]> sweep = new LinkedHashMap<>();
		for (double weight : new double[] { 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95 }) {
			int[] found = ranks(rag, sourceId, queries, "HYBRID", weight);
			sweep.put(weight, found);
			print(String.valueOf(weight), found, 0, 1);
		}

		double best = 0;
		double bestScore = -1;
		for (Map.Entry<Double, int[]> entry : sweep.entrySet()) {
			double score = metrics(entry.getValue(), 0, 2)[1];
			if (score > bestScore) {
				bestScore = score;
				best = entry.getKey();
			}
		}
		System.out.printf("%nHeld out: weight %.2f is best on the even queries (nDCG@10 %.3f); on the odd ones:%n",
				best, bestScore);
		print("hybrid, weight " + best, sweep.get(best), 1, 2);
		print("dense", ranks.get("dense (all-MiniLM-L6-v2)"), 1, 2);
		print("lexical", ranks.get("lexical (BM25)"), 1, 2);
	}

	private static String ingest(RagClient rag, Map<Integer, String> corpus, String name) {
		for (JsonNode source : rag.get("/api/sources")) {
			if (source.path("name").asString().equals(SOURCE_NAME)
					&& source.path("fileCount").asInt() == corpus.size()) {
				System.out.printf("Reusing source %s (%d files already indexed).%n", source.path("id").asString(),
						corpus.size());
				return source.path("id").asString();
			}
		}
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (Map.Entry<Integer, String> function : corpus.entrySet()) {
			files.put("functions/f" + function.getKey() + ".py", function.getValue().getBytes(StandardCharsets.UTF_8));
		}
		long started = System.nanoTime();
		RagClient.Uploaded uploaded = rag.uploadAll(files, name, FILES_PER_UPLOAD);
		double seconds = (System.nanoTime() - started) / 1e9;
		System.out.printf("Ingested %d functions (%d chunks) in %.1f s: %.1f chunks/s through the API.%n",
				corpus.size(), uploaded.chunks(), seconds, uploaded.chunks() / seconds);
		return uploaded.sourceId();
	}

	private static int[] ranks(RagClient rag, String sourceId, List<Cosqa.Query> queries, String mode, Double weight) {
		int[] ranks = new int[queries.size()];
		for (int i = 0; i < queries.size(); i++) {
			Map<String, Object> request = new LinkedHashMap<>();
			request.put("query", queries.get(i).text());
			request.put("sources", List.of(sourceId));
			request.put("limit", DEPTH);
			request.put("maxPerFile", 1);
			request.put("mode", mode);
			if (weight != null) {
				request.put("denseWeight", weight);
			}
			JsonNode hits = rag.post("/api/search", request).path("hits");
			String gold = "functions/f" + queries.get(i).gold() + ".py";
			for (int rank = 0; rank < hits.size(); rank++) {
				if (hits.get(rank).path("path").asString().equals(gold)) {
					ranks[i] = rank + 1;
					break;
				}
			}
		}
		return ranks;
	}

	/**
	 * MRR, nDCG@10, Recall@10 and Recall@100 over the queries whose index is
	 * {@code first} modulo {@code step}.
	 */
	private static double[] metrics(int[] ranks, int first, int step) {
		double mrr = 0;
		double ndcg = 0;
		double recall10 = 0;
		double recall100 = 0;
		int counted = 0;
		for (int i = first; i < ranks.length; i += step) {
			counted++;
			int rank = ranks[i];
			if (rank == 0) {
				continue;
			}
			mrr += 1.0 / rank;
			ndcg += (rank <= 10) ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
			recall10 += (rank <= 10) ? 1 : 0;
			recall100 += (rank <= 100) ? 1 : 0;
		}
		return new double[] { mrr / counted, ndcg / counted, recall10 / counted, recall100 / counted };
	}

	private static void print(String name, int[] ranks, int first, int step) {
		double[] m = metrics(ranks, first, step);
		System.out.printf("%-28s %8.3f %8.3f %10.3f %11.3f%n", name, m[0], m[1], m[2], m[3]);
	}

	/**
	 * For a smoke run: the queries' gold functions and the first others, up to a size.
	 */
	private static Map<Integer, String> subset(Map<Integer, String> corpus, List<Cosqa.Query> queries, int size) {
		Map<Integer, String> subset = new LinkedHashMap<>();
		for (Cosqa.Query query : queries) {
			subset.put(query.gold(), corpus.get(query.gold()));
		}
		for (Map.Entry<Integer, String> function : corpus.entrySet()) {
			if (subset.size() >= size) {
				break;
			}
			subset.putIfAbsent(function.getKey(), function.getValue());
		}
		return subset;
	}

}
