package dev.devassist.simulator.api;

import java.util.ArrayList;
import java.util.List;

/**
 * The models the simulator serves: one generation model under one or more names, and one
 * embedding model.
 *
 * @param generationNames the generation model's served names, the first being its id
 * @param embeddingName the embedding model's served name
 * @param maxModelLen context length of both
 * @param created when the server started, in epoch seconds
 */
record ModelCatalog(List<String> generationNames, String embeddingName, int maxModelLen, long created) {

	ModelCatalog {
		generationNames = List.copyOf(generationNames);
	}

	List<String> allNames() {
		List<String> names = new ArrayList<>(this.generationNames);
		names.add(this.embeddingName);
		return names;
	}

	String rootOf(String name) {
		return this.generationNames.contains(name) ? this.generationNames.getFirst() : this.embeddingName;
	}

	/**
	 * Checks that a model generates text.
	 * @param name the requested model
	 * @param api the API asked for, as vLLM names it in its message
	 * @return the name
	 */
	String requireGeneration(String name, String api) {
		if (this.generationNames.contains(name)) {
			return name;
		}
		if (this.embeddingName.equals(name)) {
			throw ApiException.badRequest("The model does not support " + api + " API", "model");
		}
		throw notFound(name);
	}

	String requireEmbedding(String name) {
		if (this.embeddingName.equals(name)) {
			return name;
		}
		if (this.generationNames.contains(name)) {
			throw ApiException.badRequest("The model does not support Embeddings API", "model");
		}
		throw notFound(name);
	}

	private static ApiException notFound(String name) {
		return ApiException.notFound("The model `" + name + "` does not exist.");
	}

}
