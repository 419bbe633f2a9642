package dev.devassist.proxy.routing;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.context.SmartLifecycle;

/**
 * Reads every replica's {@code /metrics} at a fixed interval and keeps what its engine
 * reports (queue, batch, KV cache, prefix cache) on the {@link Backend}, for routing and
 * for the pool gauges. Each read is also the replica's active health check
 * ({@link Health}). A replica that cannot be read is reported at warn once, then at debug
 * until it answers again; its last state ages until it counts as stale. Each tick also
 * lets the admission queues hand out any slot that freed unnoticed.
 */
public final class EngineStateScraper implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(EngineStateScraper.class);

	private final PoolRegistry pools;

	private final HttpClient client;

	private final Duration interval;

	private final Set<Backend> failing = ConcurrentHashMap.newKeySet();

	private final Set<Backend> inFlight = ConcurrentHashMap.newKeySet();

	private volatile @Nullable Disposable schedule;

	/**
	 * Creates the scraper; it runs once started.
	 * @param pools the pools whose replicas are read
	 * @param client the client to read them with
	 * @param interval time between two reads of a replica
	 */
	public EngineStateScraper(PoolRegistry pools, HttpClient client, Duration interval) {
		this.pools = pools;
		this.client = client.responseTimeout(interval.multipliedBy(4).compareTo(Duration.ofSeconds(1)) < 0
				? Duration.ofSeconds(1) : interval.multipliedBy(4));
		this.interval = interval;
	}

	@Override
	public void start() {
		this.schedule = Flux.interval(Duration.ZERO, this.interval)
			.onBackpressureDrop()
			// Also a safety net for the admission queues: a slot that frees without a
			// release (a replica coming back) still reaches whoever waits for it.
			.doOnNext((tick) -> this.pools.pools().forEach((pool) -> pool.admission().pump()))
			.concatMap((tick) -> Flux.fromIterable(backends()).flatMap(this::scrape).then())
			.subscribe();
	}

	@Override
	public void stop() {
		Disposable current = this.schedule;
		this.schedule = null;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null;
	}

	/** The replicas now in the pools, which discovery may change between ticks. */
	private Set<Backend> backends() {
		Set<Backend> all = new HashSet<>();
		this.pools.pools().forEach((pool) -> all.addAll(pool.backends()));
		this.failing.retainAll(all);
		return all;
	}

	private Mono<Void> scrape(Backend backend) {
		if (!this.inFlight.add(backend)) {
			return Mono.empty();
		}
		return this.client.get()
			.uri(backend.endpoint("/metrics"))
			.responseSingle((response, body) -> (response.status().code() == 200) ? body.asString()
					: Mono.error(new IllegalStateException("HTTP " + response.status().code())))
			.doOnNext((page) -> {
				EngineState state = VllmMetricsParser.parse(page, System.nanoTime());
				if (state == null) {
					throw new IllegalStateException("no vLLM queue metrics on the page");
				}
				backend.engineState(state);
				backend.health().checkPassed(System.nanoTime());
				if (this.failing.remove(backend)) {
					logger.info("Reading the engine state of {} works again", backend);
				}
			})
			.onErrorResume((ex) -> {
				backend.health().checkFailed(System.nanoTime());
				if (this.failing.add(backend)) {
					logger.warn("Cannot read the engine state of {} ({}); retrying every {}", backend, ex.getMessage(),
							this.interval);
				}
				else {
					logger.debug("Still cannot read the engine state of {}", backend, ex);
				}
				return Mono.empty();
			})
			.doFinally((signal) -> this.inFlight.remove(backend))
			.then();
	}

}
