package dev.devassist.rag.index;

/**
 * An index was built with another embedding model or dimension than the one configured.
 */
public class IndexMismatchException extends IllegalStateException {

	public IndexMismatchException(String message) {
		super(message);
	}

}
