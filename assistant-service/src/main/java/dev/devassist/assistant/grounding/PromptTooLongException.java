package dev.devassist.assistant.grounding;

/**
 * A question that does not fit the model's context window even without evidence or
 * history.
 */
public class PromptTooLongException extends RuntimeException {

	public PromptTooLongException(int tokens, int room) {
		super("The message takes about " + tokens + " tokens, but the model has room for " + Math.max(room, 0)
				+ " besides its answer; shorten it.");
	}

}
