package dev.devassist.assistant.inference;

/**
 * The model server refused a request or broke off mid-answer; unlike
 * {@link InferenceUnavailableException}, retrying elsewhere or falling back would not
 * help.
 */
public class InferenceException extends RuntimeException {

	private final int status;

	public InferenceException(int status, String message) {
		super(message);
		this.status = status;
	}

	/**
	 * The proxy's HTTP status, or 0 when the stream broke after it began.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

}
