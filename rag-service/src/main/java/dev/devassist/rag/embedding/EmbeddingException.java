package dev.devassist.rag.embedding;

import org.jspecify.annotations.Nullable;

/**
 * An embedding call failed; {@link #isTransient()} says whether trying again later may
 * work.
 */
public class EmbeddingException extends RuntimeException {

	private final boolean transientFailure;

	EmbeddingException(String message, boolean transientFailure, @Nullable Throwable cause) {
		super(message, cause);
		this.transientFailure = transientFailure;
	}

	/**
	 * Whether the proxy was down, saturated or slow rather than refusing the input.
	 * @return true when a retry may succeed
	 */
	public boolean isTransient() {
		return this.transientFailure;
	}

}
