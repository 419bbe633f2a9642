package dev.devassist.assistant.inference;

/**
 * The model could not answer: no model server is configured, the pool is saturated or
 * down, a timeout passed before the first token, or the circuit is open. An answer falls
 * back to retrieval-only on it.
 */
public class InferenceUnavailableException extends RuntimeException {

	public InferenceUnavailableException(String message) {
		super(message);
	}

	public InferenceUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
