package dev.devassist.proxy.routing;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a replica is in service. Two signals take it out (outlier ejection): requests
 * that fail before their first byte or answer 5xx several times in a row (at once when
 * the connection is refused), and the periodic engine-state read failing twice in a row,
 * which serves as the active health check. An ejected replica gets no requests until its
 * ejection ends; then a passing health check takes it back, or a single live request is
 * let through as a probe (half-open), whose outcome decides. Ejections for failed
 * requests last longer each time in a row, up to a limit; a successful request resets
 * that.
 */
public final class Health {

	private static final Logger logger = LoggerFactory.getLogger(Health.class);

	/** Failed health checks in a row that eject a replica. */
	static final int FAILED_CHECKS_TO_EJECT = 2;

	private final String backend;

	private final OutlierSettings settings;

	private long ejectedUntil;

	private int ejections;

	private int consecutiveFailures;

	private int failedChecks;

	private boolean probing;

	private long ejectionsTotal;

	private String lastReason = "";

	Health(String backend, OutlierSettings settings) {
		this.backend = backend;
		this.settings = settings;
	}

	/**
	 * Whether the replica may be given a request now: it is in service, or its ejection
	 * is over and no probe is out.
	 * @param now the current time, on {@link System#nanoTime()}
	 * @return true when it may
	 */
	public synchronized boolean admits(long now) {
		return this.ejectedUntil == 0 || (now - this.ejectedUntil >= 0 && !this.probing);
	}

	/**
	 * Whether the replica is ejected, probe or not.
	 * @return true while ejected
	 */
	public synchronized boolean ejected() {
		return this.ejectedUntil != 0;
	}

	/**
	 * Ejections so far, for the metrics.
	 * @return how many
	 */
	public synchronized long ejectionsTotal() {
		return this.ejectionsTotal;
	}

	/** Notes that a request was sent; when ejected, it is the half-open probe. */
	synchronized void chosen() {
		if (this.ejectedUntil != 0) {
			this.probing = true;
		}
	}

	/** A request got an answer that was not a server error. */
	public synchronized void succeeded() {
		this.consecutiveFailures = 0;
		this.ejections = 0;
		reinstate("a request succeeded");
	}

	/**
	 * A request failed before its first byte, or got a server error.
	 * @param refused whether the connection was refused, which needs no second opinion
	 * @param now the current time
	 */
	public synchronized void failed(boolean refused, long now) {
		this.consecutiveFailures++;
		if (this.ejectedUntil != 0) {
			this.probing = false;
			if (now - this.ejectedUntil >= 0) {
				eject(now, "probe-failed");
			}
		}
		else if (refused || this.consecutiveFailures >= this.settings.consecutiveFailures()) {
			eject(now, refused ? "connection-refused" : "consecutive-failures");
		}
	}

	/** A request ended without telling anything of the replica (the client left). */
	public synchronized void abandoned() {
		this.probing = false;
	}

	/**
	 * The health check (the engine-state read) succeeded.
	 * @param now the current time
	 */
	synchronized void checkPassed(long now) {
		this.failedChecks = 0;
		if (this.ejectedUntil != 0 && now - this.ejectedUntil >= 0) {
			reinstate("its health check passed");
		}
	}

	/**
	 * The health check failed.
	 * @param now the current time
	 */
	synchronized void checkFailed(long now) {
		this.failedChecks++;
		if (this.failedChecks < FAILED_CHECKS_TO_EJECT) {
			return;
		}
		if (this.ejectedUntil == 0) {
			eject(now, "health-check");
		}
		else {
			// Still down: keep it out at least until the next check could pass.
			long until = now + this.settings.baseEjection().toNanos();
			if (until - this.ejectedUntil > 0) {
				this.ejectedUntil = until;
			}
		}
	}

	/**
	 * Why the replica was last ejected.
	 * @return a short reason, empty when never
	 */
	public synchronized String lastReason() {
		return this.lastReason;
	}

	private void eject(long now, String reason) {
		Duration base = this.settings.baseEjection();
		long nanos = Math.min(base.toNanos() << Math.min(this.ejections, 20), this.settings.maxEjection().toNanos());
		this.ejections++;
		this.ejectionsTotal++;
		this.ejectedUntil = now + Math.max(nanos, 1);
		this.probing = false;
		this.lastReason = reason;
		logger.warn("Taking replica {} out of service for {} ms ({})", this.backend, nanos / 1_000_000, reason);
	}

	private void reinstate(String why) {
		if (this.ejectedUntil != 0) {
			this.ejectedUntil = 0;
			this.probing = false;
			logger.info("Replica {} is back in service: {}", this.backend, why);
		}
	}

	/**
	 * When a replica is ejected, and for how long.
	 *
	 * @param consecutiveFailures failed requests in a row that eject a replica
	 * @param baseEjection the first ejection's length, doubled with each one in a row
	 * @param maxEjection the longest ejection
	 */
	public record OutlierSettings(int consecutiveFailures, Duration baseEjection, Duration maxEjection) {

		/** Three failures, one second, thirty seconds at most. */
		public static final OutlierSettings DEFAULTS = new OutlierSettings(3, Duration.ofSeconds(1),
				Duration.ofSeconds(30));

	}

}
