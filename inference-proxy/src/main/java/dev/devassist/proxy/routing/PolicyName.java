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
	POWER_OF_TWO;

	/**
	 * The policy's name as configured and as metrics label it.
	 * @return e.g. {@code least-outstanding}
	 */
	public String label() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
