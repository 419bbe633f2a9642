package dev.devassist.simulator.engine;

/**
 * Watches the engine for metrics. Called on the engine's thread.
 */
public interface EngineObserver {

	/** An observer that ignores everything. */
	EngineObserver NONE = new EngineObserver() {
	};

	/**
	 * A sequence left the waiting queue for the running batch for the first time.
	 * @param sequence the sequence
	 * @param queuedNanos time it spent waiting
	 */
	default void onScheduled(Sequence sequence, long queuedNanos) {
	}

	/**
	 * The prefix cache was asked for a prompt's blocks.
	 * @param queriedTokens tokens looked up
	 * @param hitTokens tokens found
	 */
	default void onPrefixCacheLookup(int queriedTokens, int hitTokens) {
	}

	/**
	 * A token was generated.
	 * @param sequence the sequence
	 * @param first whether it is the sequence's first token
	 * @param latencyNanos time to first token if first, else time since the previous
	 * token
	 */
	default void onToken(Sequence sequence, boolean first, long latencyNanos) {
	}

	/**
	 * A sequence finished.
	 * @param sequence the sequence
	 * @param e2eNanos time from arrival to its last token
	 */
	default void onFinished(Sequence sequence, long e2eNanos) {
	}

	/**
	 * A sequence was dropped before its end because its client went away.
	 * @param sequence the sequence
	 */
	default void onAborted(Sequence sequence) {
	}

	/**
	 * A running sequence was pushed back to the waiting queue to free KV-cache blocks.
	 * @param sequence the sequence
	 */
	default void onPreempted(Sequence sequence) {
	}

	/**
	 * A step ended.
	 * @param state the engine's state after the step
	 */
	default void onStep(EngineState state) {
	}

}
