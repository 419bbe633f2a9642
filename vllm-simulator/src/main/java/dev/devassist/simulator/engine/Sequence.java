package dev.devassist.simulator.engine;

/**
 * One sequence in the engine: a prompt to prefill and a number of tokens to generate. A
 * request with {@code n} choices becomes {@code n} sequences that share the prompt.
 * <p>
 * The scheduling fields belong to the engine's thread; only {@link #abort()} is called
 * from others.
 */
public final class Sequence {

	private final int choice;

	private final int promptTokens;

	private final long[] blockHashes;

	private final int outputTokens;

	private final String finishReason;

	private final SequenceListener listener;

	private volatile boolean abortRequested;

	long arrivalNanos;

	long firstTokenNanos;

	long lastTokenNanos;

	boolean scheduledOnce;

	boolean promptCounted;

	int computed;

	int prefillTarget;

	int generated;

	int cachedBlocksHeld;

	int freshBlocksHeld;

	/**
	 * Creates a sequence.
	 * @param choice the choice index this sequence answers for
	 * @param promptTokens tokens in the prompt
	 * @param blockHashes chained hashes of the prompt's full blocks
	 * ({@link PrefixHashes})
	 * @param outputTokens tokens to generate, at least one
	 * @param finishReason why the output ends, reported in metrics ({@code stop},
	 * {@code length}, {@code tool_calls})
	 * @param listener receives the output
	 */
	public Sequence(int choice, int promptTokens, long[] blockHashes, int outputTokens, String finishReason,
			SequenceListener listener) {
		if (promptTokens < 1) {
			throw new IllegalArgumentException("promptTokens must be at least 1, but was " + promptTokens);
		}
		if (outputTokens < 1) {
			throw new IllegalArgumentException("outputTokens must be at least 1, but was " + outputTokens);
		}
		this.choice = choice;
		this.promptTokens = promptTokens;
		this.blockHashes = blockHashes;
		this.outputTokens = outputTokens;
		this.finishReason = finishReason;
		this.listener = listener;
		this.prefillTarget = promptTokens;
	}

	public int choice() {
		return this.choice;
	}

	public int promptTokens() {
		return this.promptTokens;
	}

	public int outputTokens() {
		return this.outputTokens;
	}

	public String finishReason() {
		return this.finishReason;
	}

	/**
	 * Asks the engine to drop this sequence at its next step, as when a client goes away.
	 */
	public void abort() {
		this.abortRequested = true;
	}

	boolean abortRequested() {
		return this.abortRequested;
	}

	long[] blockHashes() {
		return this.blockHashes;
	}

	SequenceListener listener() {
		return this.listener;
	}

	boolean prefilled() {
		return this.computed >= this.prefillTarget;
	}

	int tokensInCache() {
		return this.computed + Math.max(0, this.generated - (this.prefillTarget - this.promptTokens));
	}

	int blocksHeld() {
		return this.cachedBlocksHeld + this.freshBlocksHeld;
	}

}
