package dev.devassist.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * CoSQA's dev split as the harnesses read it (see
 * {@code ../shared/data/cosqa/README.md}).
 */
final class Cosqa {

	private Cosqa() {
	}

	/**
	 * The corpus.
	 * @param data the data folder
	 * @return each function's source text, by its id, in the file's order
	 */
	static Map<Integer, String> functions(Path data) throws IOException {
		JsonNode map = RagClient.JSON.readTree(Files.readString(data.resolve("code_idx_map.txt")));
		Map<Integer, String> functions = new LinkedHashMap<>();
		map.properties().forEach((entry) -> functions.put(entry.getValue().asInt(), entry.getKey()));
		return functions;
	}

	/**
	 * The queries.
	 * @param data the data folder
	 * @param limit how many, from the first
	 * @return the queries with their gold function's id
	 */
	static List<Query> queries(Path data, int limit) throws IOException {
		List<Query> queries = new ArrayList<>();
		for (JsonNode query : RagClient.JSON.readTree(Files.readString(data.resolve("cosqa-dev-500.json")))) {
			if (queries.size() == limit) {
				break;
			}
			queries.add(new Query(query.path("doc").asString(), query.path("retrieval_idx").asInt()));
		}
		return queries;
	}

	/**
	 * One query.
	 *
	 * @param text what was asked
	 * @param gold the id of the one relevant function
	 */
	record Query(String text, int gold) {
	}

}
