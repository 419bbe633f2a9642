package dev.devassist.proxy.routing;

import java.util.Locale;

/**
 * The routing policies a pool can use.
 */
public enum PolicyName {

	/** Each replica in turn. */
	ROUND_ROBIN,

	/** The replica with the fewest requests in flight from this proxy. */
	LEAST_OUTSTANDING,

	/**
	 * The less loaded of two replicas drawn at random, by engine state and requests in
	 * flight.
	 */
	POWER_OF_TWO,

	/** The replica a session's key hashes to, unless it is far busier than the rest. */
	SESSION_AFFINITY,

	/**
	 * The replica that most likely holds the prompt's leading blocks in its prefix cache,
	 * unless it is far busier than the rest.
	 */
	PREFIX_AWARE,

	/** The replica with the most room in its KV cache and queue. */
	KV_AWARE;

	private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

	/**
	 * The policy's name as configured and as metrics label it.
	 * @return e.g. {@code least-outstanding}
	 */
	public String label() {
		return this.label;
	}

}
