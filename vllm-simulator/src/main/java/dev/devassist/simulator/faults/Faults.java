package dev.devassist.simulator.faults;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The faults in force. Handlers ask it before each request; the admin endpoint replaces
 * its settings. Safe from any thread.
 */
public final class Faults {

	private final AtomicLong errorTurn = new AtomicLong();

	private volatile FaultSettings settings;

	private volatile long readyAtNanos;

	public Faults(FaultSettings settings) {
		this.settings = settings;
		this.readyAtNanos = System.nanoTime() + settings.startDelayMs() * 1_000_000;
	}

	public FaultSettings settings() {
		return this.settings;
	}

	/**
	 * Replaces the settings; a start delay starts counting now.
	 * @param next the new settings
	 */
	public void apply(FaultSettings next) {
		this.readyAtNanos = System.nanoTime() + next.startDelayMs() * 1_000_000;
		this.settings = next;
	}

	/**
	 * Whether the start delay has passed.
	 * @return true once the server is ready
	 */
	public boolean ready() {
		return System.nanoTime() - this.readyAtNanos >= 0;
	}

	/**
	 * Draws whether this request fails, and with which status.
	 * @return the status to answer with, or 0 for none
	 */
	public int drawError() {
		FaultSettings current = this.settings;
		if (current.errorRate() <= 0 || ThreadLocalRandom.current().nextDouble() >= current.errorRate()) {
			return 0;
		}
		List<Integer> statuses = current.errorStatuses();
		if (statuses.isEmpty()) {
			return 500;
		}
		return statuses.get((int) (this.errorTurn.getAndIncrement() % statuses.size()));
	}

}
