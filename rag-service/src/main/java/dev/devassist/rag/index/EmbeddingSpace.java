package dev.devassist.rag.index;

/**
 * The embedding model an index was built with: vectors from any other model are
 * meaningless next to its own, so an index refuses them.
 *
 * @param model the model's name, as the inference proxy knows it
 * @param dimension the vectors' length
 */
public record EmbeddingSpace(String model, int dimension) {

	public EmbeddingSpace {
		if (model.isBlank()) {
			throw new IllegalArgumentException("The embedding model needs a name");
		}
		if (dimension < 1 || dimension > 4096) {
			throw new IllegalArgumentException("An embedding dimension must be 1 to 4096, not " + dimension);
		}
	}

}
