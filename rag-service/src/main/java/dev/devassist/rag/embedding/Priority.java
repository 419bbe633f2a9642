package dev.devassist.rag.embedding;

/**
 * The inference proxy's priority bands, as rag-service uses them.
 */
public enum Priority {

	/** A query a person or an assistant waits on. */
	INTERACTIVE("interactive"),

	/** Ingestion, which may wait. */
	BATCH("batch");

	private final String header;

	Priority(String header) {
		this.header = header;
	}

	String header() {
		return this.header;
	}

}
