package dev.devassist.simulator.engine;

import java.time.Duration;

/**
 * The cost of one engine step: a fixed base, plus a cost for each prefill token scheduled
 * in the step, plus a cost for each sequence in the batch.
 *
 * @param base fixed cost of a step (kernel launches, sampling, scheduling)
 * @param perPrefillToken cost of each prompt token computed in the step
 * @param perSequence cost of each sequence in the step (attention over its KV cache)
 */
public record LatencyModel(Duration base, Duration perPrefillToken, Duration perSequence) {

	/** A model in which steps take no time, for tests and throughput benchmarks. */
	public static final LatencyModel ZERO = new LatencyModel(Duration.ZERO, Duration.ZERO, Duration.ZERO);

	public LatencyModel {
		requireNonNegative(base, "base");
		requireNonNegative(perPrefillToken, "perPrefillToken");
		requireNonNegative(perSequence, "perSequence");
	}

	/**
	 * Returns how long a step takes.
	 * @param prefillTokens prompt tokens computed in the step
	 * @param sequences sequences in the step, prefilling or decoding
	 * @return the step's duration in nanoseconds
	 */
	public long stepNanos(int prefillTokens, int sequences) {
		if (sequences == 0) {
			return 0;
		}
		return this.base.toNanos() + prefillTokens * this.perPrefillToken.toNanos()
				+ sequences * this.perSequence.toNanos();
	}

	private static void requireNonNegative(Duration duration, String name) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, but was " + duration);
		}
	}

}
