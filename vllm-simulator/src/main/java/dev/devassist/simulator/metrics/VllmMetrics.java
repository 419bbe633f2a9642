package dev.devassist.simulator.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

import dev.devassist.simulator.engine.EngineConfig;
import dev.devassist.simulator.engine.EngineObserver;
import dev.devassist.simulator.engine.EngineState;
import dev.devassist.simulator.engine.Sequence;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The engine's metrics under vLLM's current names, labelled {@code model_name} and
 * {@code engine} as vLLM labels them, with vLLM's histogram buckets. With legacy names
 * on, the names that vLLM deprecated in 0.10 are exposed beside them.
 */
public final class VllmMetrics implements EngineObserver {

	private static final double[] TTFT_BUCKETS = { 0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
			1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0 };

	private static final double[] ITL_BUCKETS = { 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
			2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0 };

	private static final double[] REQUEST_LATENCY_BUCKETS = { 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0,
			30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0 };

	private static final String ENGINE = "0";

	private static final double NANOS_PER_SECOND = 1e9;

	private final CounterDataPoint promptTokens;

	private final CounterDataPoint generationTokens;

	private final CounterDataPoint prefixQueries;

	private final CounterDataPoint prefixHits;

	private final CounterDataPoint preemptions;

	private final Map<String, CounterDataPoint> successes = new LinkedHashMap<>();

	private final DistributionDataPoint ttft;

	private final DistributionDataPoint itl;

	private final DistributionDataPoint e2e;

	private final DistributionDataPoint queueTime;

	private final DistributionDataPoint promptTokensPerRequest;

	private final DistributionDataPoint generationTokensPerRequest;

	private final @Nullable CounterDataPoint legacyPrefixQueries;

	private final @Nullable CounterDataPoint legacyPrefixHits;

	private final @Nullable DistributionDataPoint legacyTpot;

	private volatile EngineState state;

	/**
	 * Registers the metrics.
	 * @param registry where to register them
	 * @param modelName the served model's name
	 * @param config the engine's configuration, reported by
	 * {@code vllm:cache_config_info}
	 * @param maxModelLen context length, which bounds the token-count buckets
	 * @param legacy whether to also register the deprecated names
	 */
	public VllmMetrics(PrometheusRegistry registry, String modelName, EngineConfig config, int maxModelLen,
			boolean legacy) {
		this.state = new EngineState(0, 0, 0, config.numBlocks(), 0);
		String[] labels = { modelName, ENGINE };

		gauge(registry, "vllm:num_requests_running", "Number of requests in model execution batches.",
				() -> this.state.running(), labels);
		gauge(registry, "vllm:num_requests_waiting", "Number of requests waiting to be processed.",
				() -> this.state.waiting(), labels);
		gauge(registry, "vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.",
				() -> this.state.kvCacheUsage(), labels);
		this.promptTokens = counter(registry, "vllm:prompt_tokens", "Number of prefill tokens processed.", labels);
		this.generationTokens = counter(registry, "vllm:generation_tokens", "Number of generation tokens processed.",
				labels);
		this.prefixQueries = counter(registry, "vllm:prefix_cache_queries",
				"Prefix cache queries, in terms of number of queried tokens.", labels);
		this.prefixHits = counter(registry, "vllm:prefix_cache_hits",
				"Prefix cache hits, in terms of number of cached tokens.", labels);
		this.preemptions = counter(registry, "vllm:num_preemptions", "Cumulative number of preemption from the engine.",
				labels);
		Counter success = Counter.builder()
			.name("vllm:request_success")
			.help("Count of successfully processed requests.")
			.labelNames("model_name", "engine", "finished_reason")
			.withoutExemplars()
			.register(registry);
		for (String reason : new String[] { "stop", "length", "abort", "tool_calls" }) {
			this.successes.put(reason, success.labelValues(modelName, ENGINE, reason));
		}
		this.ttft = histogram(registry, "vllm:time_to_first_token_seconds",
				"Histogram of time to first token in seconds.", TTFT_BUCKETS, labels);
		this.itl = histogram(registry, "vllm:inter_token_latency_seconds",
				"Histogram of inter-token latency in seconds.", ITL_BUCKETS, labels);
		this.e2e = histogram(registry, "vllm:e2e_request_latency_seconds",
				"Histogram of e2e request latency in seconds.", REQUEST_LATENCY_BUCKETS, labels);
		this.queueTime = histogram(registry, "vllm:request_queue_time_seconds",
				"Histogram of time spent in WAITING phase for request.", REQUEST_LATENCY_BUCKETS, labels);
		double[] tokenBuckets = oneTwoFiveBuckets(maxModelLen);
		this.promptTokensPerRequest = histogram(registry, "vllm:request_prompt_tokens",
				"Number of prefill tokens processed.", tokenBuckets, labels);
		this.generationTokensPerRequest = histogram(registry, "vllm:request_generation_tokens",
				"Number of generation tokens processed.", tokenBuckets, labels);
		Info.builder()
			.name("vllm:cache_config")
			.help("Information of the LLMEngine CacheConfig")
			.labelNames("block_size", "enable_prefix_caching", "engine", "num_gpu_blocks")
			.register(registry)
			.addLabelValues(String.valueOf(config.blockSize()), config.prefixCaching() ? "True" : "False", ENGINE,
					String.valueOf(config.numBlocks()));

		if (legacy) {
			gauge(registry, "vllm:gpu_cache_usage_perc",
					"GPU KV-cache usage. 1 means 100 percent usage.DEPRECATED: Use vllm:kv_cache_usage_perc instead.",
					() -> this.state.kvCacheUsage(), labels);
			this.legacyPrefixQueries = counter(registry, "vllm:gpu_prefix_cache_queries",
					"GPU prefix cache queries, in terms of number of queried tokens. "
							+ "DEPRECATED: Use vllm:prefix_cache_queries instead.",
					labels);
			this.legacyPrefixHits = counter(registry, "vllm:gpu_prefix_cache_hits",
					"GPU prefix cache hits, in terms of number of cached tokens. "
							+ "DEPRECATED: Use vllm:prefix_cache_hits instead.",
					labels);
			this.legacyTpot = histogram(registry, "vllm:time_per_output_token_seconds",
					"Histogram of time per output token in seconds. "
							+ "DEPRECATED: Use vllm:inter_token_latency_seconds instead.",
					ITL_BUCKETS, labels);
		}
		else {
			this.legacyPrefixQueries = null;
			this.legacyPrefixHits = null;
			this.legacyTpot = null;
		}
	}

	@Override
	public void onScheduled(Sequence sequence, long queuedNanos) {
		this.queueTime.observe(queuedNanos / NANOS_PER_SECOND);
	}

	@Override
	public void onPrefixCacheLookup(int queriedTokens, int hitTokens) {
		this.prefixQueries.inc(queriedTokens);
		this.prefixHits.inc(hitTokens);
		if (this.legacyPrefixQueries != null && this.legacyPrefixHits != null) {
			this.legacyPrefixQueries.inc(queriedTokens);
			this.legacyPrefixHits.inc(hitTokens);
		}
	}

	@Override
	public void onToken(Sequence sequence, boolean first, long latencyNanos) {
		this.generationTokens.inc();
		double seconds = latencyNanos / NANOS_PER_SECOND;
		if (first) {
			this.ttft.observe(seconds);
			this.promptTokens.inc(sequence.promptTokens());
			this.promptTokensPerRequest.observe(sequence.promptTokens());
			return;
		}
		this.itl.observe(seconds);
		if (this.legacyTpot != null) {
			this.legacyTpot.observe(seconds);
		}
	}

	@Override
	public void onFinished(Sequence sequence, long e2eNanos) {
		this.e2e.observe(e2eNanos / NANOS_PER_SECOND);
		this.generationTokensPerRequest.observe(sequence.outputTokens());
		CounterDataPoint reason = this.successes.get(sequence.finishReason());
		if (reason != null) {
			reason.inc();
		}
	}

	/**
	 * Counts an embedding request, which vLLM runs as a prefill-only request.
	 * @param promptTokens the input's tokens
	 */
	public void onEmbedding(int promptTokens) {
		this.promptTokens.inc(promptTokens);
		this.promptTokensPerRequest.observe(promptTokens);
		this.successes.get("stop").inc();
	}

	@Override
	public void onAborted(Sequence sequence) {
		this.successes.get("abort").inc();
	}

	@Override
	public void onPreempted(Sequence sequence) {
		this.preemptions.inc();
	}

	@Override
	public void onStep(EngineState state) {
		this.state = state;
	}

	/**
	 * vLLM's token-count buckets: 1, 2 and 5 times each power of ten, up to the limit.
	 */
	static double[] oneTwoFiveBuckets(int limit) {
		List<Double> bounds = new ArrayList<>();
		for (long power = 1; power <= limit; power *= 10) {
			for (int mantissa : new int[] { 1, 2, 5 }) {
				if (mantissa * power <= limit) {
					bounds.add((double) (mantissa * power));
				}
			}
		}
		return bounds.stream().mapToDouble(Double::doubleValue).toArray();
	}

	private static void gauge(PrometheusRegistry registry, String name, String help, DoubleSupplier value,
			String[] labels) {
		GaugeWithCallback.builder()
			.name(name)
			.help(help)
			.labelNames("model_name", "engine")
			.callback((callback) -> callback.call(value.getAsDouble(), labels))
			.register(registry);
	}

	private static CounterDataPoint counter(PrometheusRegistry registry, String name, String help, String[] labels) {
		return Counter.builder()
			.name(name)
			.help(help)
			.labelNames("model_name", "engine")
			.withoutExemplars()
			.register(registry)
			.labelValues(labels);
	}

	private static DistributionDataPoint histogram(PrometheusRegistry registry, String name, String help,
			double[] buckets, String[] labels) {
		return Histogram.builder()
			.name(name)
			.help(help)
			.labelNames("model_name", "engine")
			.classicUpperBounds(buckets)
			.classicOnly()
			.withoutExemplars()
			.register(registry)
			.labelValues(labels);
	}

}
