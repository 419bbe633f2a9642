package dev.devassist.proxy.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.concurrent.atomic.AtomicInteger;

import dev.devassist.proxy.routing.Backend;
import dev.devassist.proxy.routing.EngineState;
import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import dev.devassist.proxy.routing.Priority;
import dev.devassist.proxy.routing.RoutingDecision;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The proxy's meters. Their Prometheus names are the Gateway API Inference Extension's
 * ({@code inference_objective_*}), so that its dashboards, alerts and KEDA scalers work
 * unchanged, and DevAssist's own ({@code devassist_proxy_*}).
 */
public final class ProxyMetrics {

	/** Bucket bounds of the token histograms, powers of two up to 128k tokens. */
	private static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768,
			65536, 131072 };

	private final MeterRegistry registry;

	private final Map<Key, ModelMeters> models = new ConcurrentHashMap<>();

	private final Map<Key, Counter> errors = new ConcurrentHashMap<>();

	private final Map<Key, Counter> decisions = new ConcurrentHashMap<>();

	private final Map<String, Timer> overheads = new ConcurrentHashMap<>();

	private final Map<Key, Timer> queueTimes = new ConcurrentHashMap<>();

	private final Map<Backend, List<Meter>> backendMeters = new ConcurrentHashMap<>();

	public ProxyMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * Counts a request as it arrives and as running until {@link #finished} is called.
	 * @param model the model the client asked for
	 * @param targetModel the model the pool serves
	 */
	public void started(String model, String targetModel) {
		ModelMeters meters = meters(model, targetModel);
		meters.requests().increment();
		meters.running().incrementAndGet();
	}

	/**
	 * Records a request's end.
	 * @param model the requested model
	 * @param targetModel the pool's model
	 * @param status the HTTP status answered
	 * @param duration from arrival to the last byte
	 */
	public void finished(String model, String targetModel, int status, Duration duration) {
		ModelMeters meters = meters(model, targetModel);
		meters.running().decrementAndGet();
		meters.duration().record(duration);
		if (status >= 400) {
			error(model, targetModel, String.valueOf(status));
		}
	}

	/**
	 * Records what a successful answer's usage and pacing say: its token counts and, for
	 * a stream, the time to its first token and the time per output token after it.
	 * @param model the requested model
	 * @param targetModel the pool's model
	 * @param answer what the answer showed
	 */
	public void answered(String model, String targetModel, Answer answer) {
		ModelMeters meters = meters(model, targetModel);
		if (answer.promptTokens() >= 0) {
			meters.inputTokens().record(answer.promptTokens());
			meters.outputTokens().record(answer.completionTokens());
		}
		if (answer.firstTokenNanos() == 0) {
			return;
		}
		meters.ttft().record(answer.firstTokenNanos() - answer.arrivalNanos(), TimeUnit.NANOSECONDS);
		if (answer.completionTokens() > 1) {
			long perToken = (answer.lastChunkNanos() - answer.firstTokenNanos()) / (answer.completionTokens() - 1);
			meters.tpot().record(perToken, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Counts a failed request.
	 * @param model the requested model
	 * @param targetModel the pool's model, or an empty string when none was found
	 * @param errorCode the HTTP status, or a short reason
	 */
	public void error(String model, String targetModel, String errorCode) {
		this.errors
			.computeIfAbsent(new Key(model, targetModel, errorCode),
					(key) -> Counter.builder("inference.objective.request.error")
						.description("Requests that ended in an error, by error code")
						.tag("model_name", model)
						.tag("target_model_name", targetModel)
						.tag("error_code", errorCode)
						.register(this.registry))
			.increment();
	}

	/**
	 * Counts a routing decision.
	 * @param pool the pool
	 * @param decision the decision
	 */
	public void routed(Pool pool, RoutingDecision decision) {
		this.decisions
			.computeIfAbsent(new Key(pool.name(), decision.policy(), decision.reason()),
					(key) -> Counter.builder("devassist.proxy.routing.decisions")
						.description("Routing decisions, by pool, policy and reason")
						.tag("pool", pool.name())
						.tag("policy", decision.policy())
						.tag("reason", decision.reason())
						.register(this.registry))
			.increment();
	}

	/**
	 * Records the time the proxy spent on a request before handing it to a replica.
	 * @param pool the pool
	 * @param overhead the time
	 */
	public void overhead(Pool pool, Duration overhead) {
		this.overheads
			.computeIfAbsent(pool.name(),
					(key) -> Timer.builder("devassist.proxy.overhead")
						.description("Time the proxy spends on a request before it reaches a replica")
						.tag("pool", pool.name())
						.publishPercentileHistogram()
						.register(this.registry))
			.record(overhead);
	}

	/**
	 * Where the sizes of a pool's batched model runs go.
	 * @param pool the pool, or the local model's name
	 * @return takes each run's size
	 */
	public IntConsumer batchSizes(String pool) {
		DistributionSummary sizes = DistributionSummary.builder("devassist.proxy.batch.size")
			.description("Texts or prompts per batched model run")
			.tag("pool", pool)
			.serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
			.register(this.registry);
		return sizes::record;
	}

	/**
	 * Records how long a request waited for admission, and how that ended.
	 * @param pool the pool
	 * @param priority the request's band
	 * @param nanos from arrival to dispatch or refusal
	 * @param outcome {@code dispatched}, or why it was refused
	 */
	public void queued(Pool pool, Priority priority, long nanos, String outcome) {
		this.queueTimes
			.computeIfAbsent(new Key(pool.name(), priority.label(), outcome),
					(key) -> Timer.builder("inference.extension.flow.control.request.queue.duration")
						.description("Time requests spent in the admission queue, by band and outcome")
						.tag("pool", pool.name())
						.tag("priority", priority.label())
						.tag("outcome", outcome)
						.publishPercentileHistogram()
						.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Registers the pool gauges of the Gateway API Inference Extension, computed at
	 * scrape time from each replica's last engine state, and each replica's state.
	 * @param pools the pools
	 * @param staleAfter age after which a replica's state no longer counts
	 */
	public void watchPools(PoolRegistry pools, Duration staleAfter) {
		long maxAge = staleAfter.toNanos();
		for (Pool pool : pools.pools()) {
			Gauge.builder("inference.pool.ready.pods", pool, (p) -> fresh(p, maxAge).size())
				.description("Replicas whose engine state is fresh")
				.tag("name", pool.name())
				.register(this.registry);
			Gauge
				.builder("inference.pool.average.queue.size", pool,
						(p) -> fresh(p, maxAge).stream().mapToDouble(EngineState::waiting).average().orElse(0))
				.description("Mean waiting-queue length over the pool's fresh replicas")
				.tag("name", pool.name())
				.register(this.registry);
			Gauge
				.builder("inference.pool.average.kv.cache.utilization", pool,
						(p) -> fresh(p, maxAge).stream().mapToDouble(EngineState::kvCacheUsage).average().orElse(0))
				.description("Mean KV-cache usage over the pool's fresh replicas, from 0 to 1")
				.tag("name", pool.name())
				.register(this.registry);
			for (Priority priority : Priority.values()) {
				Gauge
					.builder("inference.extension.flow.control.queue.size", pool.admission(),
							(admission) -> admission.queued(priority))
					.description("Requests waiting in the admission queue, by band")
					.tag("pool", pool.name())
					.tag("priority", priority.label())
					.register(this.registry);
			}
			pool.backends().forEach((backend) -> watchBackend(pool, backend, maxAge));
			pool.watch(new Pool.MembershipListener() {

				@Override
				public void added(Pool pool, Backend backend) {
					watchBackend(pool, backend, maxAge);
				}

				@Override
				public void removed(Pool pool, Backend backend) {
					List<Meter> meters = ProxyMetrics.this.backendMeters.remove(backend);
					if (meters != null) {
						meters.forEach(ProxyMetrics.this.registry::remove);
					}
				}

			});
		}
	}

	private void watchBackend(Pool pool, Backend backend, long maxAge) {
		Gauge state = Gauge.builder("devassist.proxy.backend.state", backend, (b) -> state(b, maxAge))
			.description("1 when the replica serves and its engine state is fresh, 0 when that state is "
					+ "stale or unread, -1 while the replica is ejected")
			.tag("pool", pool.name())
			.tag("backend", backend.id())
			.register(this.registry);
		FunctionCounter ejections = FunctionCounter
			.builder("devassist.proxy.backend.ejections", backend, (b) -> b.health().ejectionsTotal())
			.description("Times the replica was taken out of service")
			.tag("pool", pool.name())
			.tag("backend", backend.id())
			.register(this.registry);
		this.backendMeters.put(backend, List.of(state, ejections));
	}

	private static List<EngineState> fresh(Pool pool, long maxAge) {
		long now = System.nanoTime();
		return pool.backends()
			.stream()
			.map(Backend::engineState)
			.filter((state) -> state != null && state.freshAt(maxAge, now))
			.toList();
	}

	private static int state(Backend backend, long maxAge) {
		if (backend.health().ejected()) {
			return -1;
		}
		EngineState state = backend.engineState();
		return (state != null && state.freshAt(maxAge, System.nanoTime())) ? 1 : 0;
	}

	private ModelMeters meters(String model, String targetModel) {
		return this.models.computeIfAbsent(new Key(model, targetModel, ""), (key) -> {
			AtomicInteger running = new AtomicInteger();
			Gauge.builder("inference.objective.running.requests", running, AtomicInteger::get)
				.description("Requests in flight, by requested and target model")
				.tag("model_name", model)
				.tag("target_model_name", targetModel)
				.register(this.registry);
			Counter requests = Counter.builder("inference.objective.request")
				.description("Requests received, by requested and target model")
				.tag("model_name", model)
				.tag("target_model_name", targetModel)
				.register(this.registry);
			Timer duration = timer("inference.objective.request.duration",
					"Time from a request's arrival to its last byte", model, targetModel);
			Timer ttft = timer("inference.objective.request.ttft",
					"Time from a streamed request's arrival to its first token", model, targetModel);
			Timer tpot = timer("inference.objective.request.tpot", "Time per output token of a stream, after the first",
					model, targetModel);
			DistributionSummary input = tokens("inference.objective.input.tokens",
					"Prompt tokens of each answered request, from the replica's usage", model, targetModel);
			DistributionSummary output = tokens("inference.objective.output.tokens",
					"Generated tokens of each answered request, from the replica's usage", model, targetModel);
			return new ModelMeters(requests, duration, running, ttft, tpot, input, output);
		});
	}

	private Timer timer(String name, String description, String model, String targetModel) {
		return Timer.builder(name)
			.description(description)
			.tag("model_name", model)
			.tag("target_model_name", targetModel)
			.publishPercentileHistogram()
			.register(this.registry);
	}

	private DistributionSummary tokens(String name, String description, String model, String targetModel) {
		return DistributionSummary.builder(name)
			.description(description)
			.baseUnit("tokens")
			.tag("model_name", model)
			.tag("target_model_name", targetModel)
			.serviceLevelObjectives(TOKEN_BUCKETS)
			.register(this.registry);
	}

	/**
	 * The labels a meter is looked up by. A record rather than joined text: joining
	 * copies the labels and hashes the copy on every request.
	 */
	private record Key(String first, String second, String third) {
	}

	/**
	 * The meters of one requested and target model, built once.
	 */
	private record ModelMeters(Counter requests, Timer duration, AtomicInteger running, Timer ttft, Timer tpot,
			DistributionSummary inputTokens, DistributionSummary outputTokens) {
	}

	/**
	 * What one successful answer showed, as the forwarding saw it go by.
	 *
	 * @param arrivalNanos when the request arrived, by {@link System#nanoTime()}
	 * @param firstTokenNanos when a stream's first token came, or 0 for a whole answer
	 * @param lastChunkNanos when the answer's last buffer came
	 * @param promptTokens the prompt's tokens by the replica's usage, or -1 when unknown
	 * @param completionTokens the generated tokens by the usage
	 */
	public record Answer(long arrivalNanos, long firstTokenNanos, long lastChunkNanos, int promptTokens,
			int completionTokens) {
	}

}
