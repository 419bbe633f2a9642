package dev.devassist.simulator.engine;

/**
 * Receives a sequence's output as the engine produces it. Called on the engine's thread,
 * so implementations hand the work off and return at once.
 */
public interface SequenceListener {

	/**
	 * A token was generated.
	 * @param sequence the sequence
	 * @param index the token's position in the output, from zero
	 */
	void onToken(Sequence sequence, int index);

	/**
	 * The sequence generated its last token and left the engine.
	 * @param sequence the sequence
	 */
	void onFinished(Sequence sequence);

}
