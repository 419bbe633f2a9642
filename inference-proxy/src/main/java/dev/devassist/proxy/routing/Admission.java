package dev.devassist.proxy.routing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A pool's admission queue. A request goes straight to a replica when one has room for
 * its band and nobody of its band or above is waiting; otherwise it waits here, in its
 * band, in its tenant's line. Whenever a replica frees a slot the highest band is served
 * first and, inside a band, the tenants take turns, one request each. The replica is
 * picked at that moment, not when the request arrived (late binding), so the routing
 * policy sees the freshest load.
 * <p>
 * Each band may fill only its share of a replica's slots and of the queue, so a flood of
 * batch work leaves room for interactive requests. A request is refused (429) when the
 * queue is full for its band, when it has waited longer than the limit, or when a higher
 * band needs its place; the refusal carries a Retry-After estimated from the recent
 * dispatch rate. One lock guards the queue; it is held for a few field updates, never
 * across I/O.
 */
public final class Admission {

	private static final Priority[] BANDS = Priority.values();

	private final Pool pool;

	private final AdmissionLimits limits;

	private final int[] slotLimits = new int[BANDS.length];

	private final int[] queueLimits = new int[BANDS.length];

	private final Band[] bands = new Band[BANDS.length];

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicInteger queued = new AtomicInteger();

	private long rateWindowStart = System.nanoTime();

	private int rateWindowCount;

	private double dispatchRate;

	Admission(Pool pool, AdmissionLimits limits) {
		this.pool = pool;
		this.limits = limits;
		for (Priority band : BANDS) {
			double share = limits.share(band);
			this.slotLimits[band.ordinal()] = Math.max(1, (int) Math.ceil(limits.maxInFlightPerBackend() * share));
			this.queueLimits[band.ordinal()] = Math.max(1, (int) Math.ceil(limits.maxQueue() * share));
			this.bands[band.ordinal()] = new Band();
		}
	}

	/**
	 * Admits a request: at once when a replica has room, otherwise once one frees a slot.
	 * The replica's slot is taken when the decision is made; give it back with
	 * {@link Pool#release(Backend)}.
	 * @param request the request
	 * @return the decision, or an error {@link Rejected} when the request is refused
	 */
	public Mono<RoutingDecision> admit(RouteRequest request) {
		Waiter waiter;
		Waiter evicted = null;
		int band = request.priority().ordinal();
		this.lock.lock();
		try {
			if (!waitingAtOrAbove(band)) {
				RoutingDecision decision = this.pool.route(request, this.slotLimits[band]);
				if (decision != null) {
					countDispatch();
					return Mono.just(decision);
				}
			}
			if (this.pool.noneInService()) {
				return Mono.error(new Rejected(503, "no-replica",
						"No replica of pool '" + this.pool.name() + "' is in service.", 1));
			}
			if (this.queued.get() >= this.queueLimits[band]) {
				evicted = evictBelow(band);
				if (evicted == null) {
					return Mono.error(new Rejected(429, "queue-full", "Pool '" + this.pool.name()
							+ "' is saturated and its queue for " + request.priority().label() + " requests is full.",
							retryAfterSeconds()));
				}
			}
			waiter = new Waiter(request);
			this.bands[band].add(waiter);
			this.queued.incrementAndGet();
		}
		finally {
			this.lock.unlock();
		}
		if (evicted != null) {
			evicted.reject(new Rejected(429, "evicted",
					"Pool '" + this.pool.name()
							+ "' is saturated and a request of higher priority took this one's place.",
					retryAfterSeconds()));
		}
		return waiter.sink.asMono()
			.doOnCancel(() -> withdraw(waiter))
			.timeout(this.limits.maxQueueTime())
			.onErrorMap(TimeoutException.class,
					(ex) -> new Rejected(429, "queue-timeout",
							"Pool '" + this.pool.name() + "' is saturated; the request waited "
									+ this.limits.maxQueueTime().toMillis() + " ms in its queue.",
							retryAfterSeconds()))
			.filter((decision) -> waiter.take());
	}

	/**
	 * Requests waiting in a band.
	 * @param priority the band
	 * @return how many
	 */
	public int queued(Priority priority) {
		return this.bands[priority.ordinal()].size;
	}

	/**
	 * Requests waiting, all bands together.
	 * @return how many
	 */
	public int queued() {
		return this.queued.get();
	}

	/**
	 * Hands freed slots to waiting requests, highest band first. Called when a replica
	 * finishes a request, and now and then in case a replica came back.
	 */
	public void pump() {
		if (this.queued.get() == 0) {
			return;
		}
		List<Waiter> dispatched = new ArrayList<>();
		this.lock.lock();
		try {
			for (int band = 0; band < BANDS.length; band++) {
				Band line = this.bands[band];
				Waiter next;
				while ((next = line.peek()) != null) {
					RoutingDecision decision = this.pool.route(next.request, this.slotLimits[band]);
					if (decision == null) {
						break;
					}
					line.poll();
					this.queued.decrementAndGet();
					next.decision = decision;
					countDispatch();
					dispatched.add(next);
				}
			}
		}
		finally {
			this.lock.unlock();
		}
		for (Waiter waiter : dispatched) {
			waiter.dispatch(this.pool);
		}
	}

	private boolean waitingAtOrAbove(int band) {
		for (int i = 0; i <= band; i++) {
			if (this.bands[i].size > 0) {
				return true;
			}
		}
		return false;
	}

	private @Nullable Waiter evictBelow(int band) {
		for (int i = BANDS.length - 1; i > band; i--) {
			Waiter victim = this.bands[i].pollNewestOfLongestLine();
			if (victim != null) {
				this.queued.decrementAndGet();
				return victim;
			}
		}
		return null;
	}

	private void withdraw(Waiter waiter) {
		this.lock.lock();
		try {
			if (this.bands[waiter.request.priority().ordinal()].remove(waiter)) {
				this.queued.decrementAndGet();
				return;
			}
		}
		finally {
			this.lock.unlock();
		}
		waiter.abandon(this.pool);
	}

	private void countDispatch() {
		this.rateWindowCount++;
		long now = System.nanoTime();
		long elapsed = now - this.rateWindowStart;
		if (elapsed >= 1_000_000_000L) {
			double rate = this.rateWindowCount * 1e9 / elapsed;
			this.dispatchRate = (this.dispatchRate == 0) ? rate : 0.5 * this.dispatchRate + 0.5 * rate;
			this.rateWindowStart = now;
			this.rateWindowCount = 0;
		}
	}

	/**
	 * How long a refused client should wait: the time the pool needs to work off its
	 * queue at the recent dispatch rate, from 1 to 60 seconds.
	 */
	private long retryAfterSeconds() {
		double rate = this.dispatchRate;
		double seconds = (rate > 0) ? (this.queued.get() + 1) / rate : 1;
		return Math.clamp((long) Math.ceil(seconds), 1, 60);
	}

	/**
	 * A request refused because the pool is saturated (429) or has no replica in service
	 * (503).
	 */
	public static final class Rejected extends RuntimeException {

		private final int status;

		private final String reason;

		private final long retryAfterSeconds;

		Rejected(int status, String reason, String message, long retryAfterSeconds) {
			super(message, null, false, false);
			this.status = status;
			this.reason = reason;
			this.retryAfterSeconds = retryAfterSeconds;
		}

		/**
		 * The HTTP status to answer with.
		 * @return 429 or 503
		 */
		public int status() {
			return this.status;
		}

		/**
		 * Why, as metrics label it.
		 * @return {@code queue-full}, {@code queue-timeout}, {@code evicted} or
		 * {@code no-replica}
		 */
		public String reason() {
			return this.reason;
		}

		public long retryAfterSeconds() {
			return this.retryAfterSeconds;
		}

	}

	/**
	 * One band's waiting requests: a line per tenant, and the order in which the tenants
	 * take their turns.
	 */
	private static final class Band {

		private final Map<String, ArrayDeque<Waiter>> lines = new HashMap<>();

		private final ArrayDeque<String> turns = new ArrayDeque<>();

		private int size;

		void add(Waiter waiter) {
			ArrayDeque<Waiter> line = this.lines.get(waiter.request.tenant());
			if (line == null) {
				line = new ArrayDeque<>();
				this.lines.put(waiter.request.tenant(), line);
				this.turns.addLast(waiter.request.tenant());
			}
			line.addLast(waiter);
			this.size++;
		}

		@Nullable Waiter peek() {
			String tenant = this.turns.peekFirst();
			return (tenant != null) ? this.lines.get(tenant).peekFirst() : null;
		}

		/**
		 * Takes the head of the tenant whose turn it is, and sends that tenant to the
		 * back.
		 */
		void poll() {
			String tenant = this.turns.pollFirst();
			ArrayDeque<Waiter> line = this.lines.get(tenant);
			line.pollFirst();
			this.size--;
			if (line.isEmpty()) {
				this.lines.remove(tenant);
			}
			else {
				this.turns.addLast(tenant);
			}
		}

		boolean remove(Waiter waiter) {
			String tenant = waiter.request.tenant();
			ArrayDeque<Waiter> line = this.lines.get(tenant);
			if (line == null || !line.remove(waiter)) {
				return false;
			}
			this.size--;
			if (line.isEmpty()) {
				this.lines.remove(tenant);
				this.turns.remove(tenant);
			}
			return true;
		}

		/**
		 * The most recent request of the tenant with the most waiting: the fairest to
		 * drop.
		 */
		@Nullable Waiter pollNewestOfLongestLine() {
			ArrayDeque<Waiter> longest = null;
			for (ArrayDeque<Waiter> line : this.lines.values()) {
				if (longest == null || line.size() > longest.size()) {
					longest = line;
				}
			}
			if (longest == null) {
				return null;
			}
			Waiter victim = longest.pollLast();
			this.size--;
			if (longest.isEmpty()) {
				this.lines.remove(victim.request.tenant());
				this.turns.remove(victim.request.tenant());
			}
			return victim;
		}

	}

	/**
	 * A waiting request. Once dispatched it holds a replica's slot, which passes to the
	 * caller when the caller takes the decision, or back to the pool when the caller gave
	 * up first.
	 */
	private static final class Waiter {

		private static final int WAITING = 0;

		private static final int DISPATCHED = 1;

		private static final int TAKEN = 2;

		private static final int ABANDONED = 3;

		private final RouteRequest request;

		private final Sinks.One<RoutingDecision> sink = Sinks.one();

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private volatile @Nullable RoutingDecision decision;

		Waiter(RouteRequest request) {
			this.request = request;
		}

		void dispatch(Pool pool) {
			RoutingDecision chosen = this.decision;
			if (chosen != null && this.state.compareAndSet(WAITING, DISPATCHED)) {
				this.sink.tryEmitValue(chosen);
			}
			else if (chosen != null) {
				pool.release(chosen.backend());
			}
		}

		void reject(Rejected rejection) {
			if (this.state.compareAndSet(WAITING, ABANDONED)) {
				this.sink.tryEmitError(rejection);
			}
		}

		/** The caller gave up: a slot already handed over comes back to the pool. */
		void abandon(Pool pool) {
			if (this.state.compareAndSet(WAITING, ABANDONED)) {
				return;
			}
			RoutingDecision chosen = this.decision;
			if (this.state.compareAndSet(DISPATCHED, ABANDONED) && chosen != null) {
				pool.release(chosen.backend());
			}
		}

		/**
		 * The decision reached the caller, who now owns the slot, unless the caller gave
		 * up a moment before.
		 */
		boolean take() {
			return this.state.compareAndSet(DISPATCHED, TAKEN);
		}

	}

}
