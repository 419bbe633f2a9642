package dev.devassist.assistant.grounding;

/**
 * rag-service could not be asked: it is down, slow or failing.
 */
public class RagUnavailableException extends RuntimeException {

	public RagUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
