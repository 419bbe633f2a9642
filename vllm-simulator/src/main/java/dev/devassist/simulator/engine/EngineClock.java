package dev.devassist.simulator.engine;

import java.util.concurrent.locks.LockSupport;

/**
 * The time the engine runs on. The system clock sleeps through each step; tests use a
 * virtual clock that jumps, so that latency figures are exact and tests never wait.
 */
public interface EngineClock {

	/** The system's monotonic clock. */
	EngineClock SYSTEM = new EngineClock() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public void sleepUntil(long deadlineNanos) {
			long remaining;
			while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
				LockSupport.parkNanos(remaining);
			}
		}

	};

	long nanoTime();

	void sleepUntil(long deadlineNanos);

}
