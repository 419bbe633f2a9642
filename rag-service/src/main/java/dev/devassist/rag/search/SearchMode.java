package dev.devassist.rag.search;

/**
 * Which retrievers a search uses.
 */
public enum SearchMode {

	/** Dense and lexical, fused: the default. */
	HYBRID,

	/** Embeddings only. */
	DENSE,

	/** BM25 only; needs no embedding model. */
	LEXICAL

}
