package dev.devassist.proxy.routing;

import java.time.Duration;

/**
 * How much a pool takes on before it queues, and how much it queues before it refuses.
 *
 * @param maxInFlightPerBackend requests sent to one replica and not yet answered, beyond
 * which the next waits in the proxy's queue, where priorities still count, rather than in
 * the engine's, where they do not
 * @param maxQueue requests waiting in the pool's queue, all bands together
 * @param maxQueueTime how long a request may wait before it is refused
 * @param interactiveShare share of each replica's slots and of the queue that interactive
 * requests may fill
 * @param ideShare the same for IDE requests
 * @param batchShare the same for batch requests; keeping it below the others leaves room
 * for them when batch work floods the pool
 */
public record AdmissionLimits(int maxInFlightPerBackend, int maxQueue, Duration maxQueueTime, double interactiveShare,
		double ideShare, double batchShare) {

	/** Limits high enough never to queue, for tests of routing alone. */
	public static final AdmissionLimits UNLIMITED = new AdmissionLimits(Integer.MAX_VALUE / 2, 1024,
			Duration.ofSeconds(30), 1, 1, 1);

	/**
	 * The share of a band.
	 * @param priority the band
	 * @return from 0 (exclusive) to 1
	 */
	double share(Priority priority) {
		return switch (priority) {
			case INTERACTIVE -> this.interactiveShare;
			case IDE -> this.ideShare;
			case BATCH -> this.batchShare;
		};
	}

}
