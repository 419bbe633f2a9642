package dev.devassist.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.devassist.proxy.routing.AdmissionLimits;
import dev.devassist.proxy.routing.Health;
import dev.devassist.proxy.routing.PolicyName;
import dev.devassist.proxy.routing.Priority;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the inference proxy, bound from {@code proxy.*}.
 *
 * @param host address the API listens on
 * @param port port the API listens on, with actuator's health and metrics beside it
 * @param drainTimeout how long shutdown waits for requests in flight
 * @param pools the pools of backends, by pool name
 * @param timeouts limits on each call to a backend
 * @param retries how many other replicas to try when a call fails before its first byte
 * @param maxRequestSize largest request body accepted
 * @param maxConnectionsPerBackend most connections held open to one backend
 * @param serviceToken when set, the bearer token that callers must present; inside a
 * cluster a NetworkPolicy does this job
 * @param engineState how often the replicas' engine state is read
 * @param defaultPriority the band of a request without an {@code x-priority} header
 * @param outlier when a failing replica is taken out of service
 * @param localEmbedding the in-process embedding model
 * @param dns how the names of DNS-discovered pools are looked up
 */
@ConfigurationProperties("proxy")
@Validated
public record ProxyProperties(@DefaultValue("0.0.0.0") @NotBlank String host,
		@DefaultValue("8083") @Min(0) @Max(65535) int port, @DefaultValue("30s") @NotNull Duration drainTimeout,
		@DefaultValue @NotEmpty Map<String, @Valid Pool> pools, @DefaultValue @Valid Timeouts timeouts,
		@DefaultValue("1") @Min(0) @Max(5) int retries, @DefaultValue("16MB") @NotNull DataSize maxRequestSize,
		@DefaultValue("1024") @Min(1) int maxConnectionsPerBackend, @Nullable String serviceToken,
		@DefaultValue @Valid EngineStateScrape engineState, @DefaultValue("ide") @NotNull Priority defaultPriority,
		@DefaultValue @Valid Outlier outlier, @DefaultValue @Valid LocalEmbedding localEmbedding,
		@DefaultValue @Valid Dns dns) {

	/**
	 * The in-process embedding pool: the ONNX all-MiniLM-L6-v2 model (384 dimensions,
	 * texts cut at 256 tokens), so that a platform without a GPU can still embed.
	 *
	 * @param enabled whether it is loaded (about 90 MB, a second or two at start)
	 * @param model the name clients ask for
	 * @param aliases further names
	 * @param batching whether concurrent texts share one model run
	 * @param maxBatchSize most texts in one run
	 * @param maxQueue most texts waiting; beyond it requests get 429
	 * @param threads threads ONNX Runtime uses inside one run; 0 for one per core
	 * @param workers model runs that may go at once, each taking its own batch
	 */
	public record LocalEmbedding(@DefaultValue("true") boolean enabled,
			@DefaultValue("all-minilm-l6-v2") @NotBlank String model, @DefaultValue List<String> aliases,
			@DefaultValue("true") boolean batching, @DefaultValue("32") @Min(1) @Max(1024) int maxBatchSize,
			@DefaultValue("4096") @Min(1) int maxQueue, @DefaultValue("0") @Min(0) int threads,
			@DefaultValue("1") @Min(1) @Max(64) int workers) {

		/**
		 * Every name of the model.
		 * @return its name, then its aliases
		 */
		public List<String> names() {
			List<String> names = new ArrayList<>();
			names.add(this.model);
			names.addAll(this.aliases);
			return names;
		}

	}

	/**
	 * Outlier ejection: when a replica that keeps failing is taken out of service. Its
	 * engine-state read doubles as the active health check: two failed reads in a row
	 * eject it too, and a passing read after the ejection takes it back.
	 *
	 * @param consecutiveFailures requests in a row that fail before their first byte or
	 * answer 5xx, after which the replica is ejected; a refused connection ejects at once
	 * @param baseEjection how long the first ejection lasts; each one in a row lasts
	 * twice as long as the one before
	 * @param maxEjection the longest an ejection lasts
	 */
	public record Outlier(@DefaultValue("3") @Min(1) int consecutiveFailures,
			@DefaultValue("1s") @NotNull Duration baseEjection, @DefaultValue("30s") @NotNull Duration maxEjection) {

		/**
		 * The settings as the replicas' health takes them.
		 * @return the settings
		 */
		public Health.OutlierSettings settings() {
			return new Health.OutlierSettings(this.consecutiveFailures, this.baseEjection, this.maxEjection);
		}

	}

	/**
	 * A pool: the model it serves, under one or more names, and its replicas.
	 *
	 * @param model the model name that clients ask for and that the backends serve
	 * @param aliases further names clients may use; requests are rewritten to
	 * {@code model}
	 * @param backends base URLs of the replicas, e.g. {@code http://vllm-0:8000}; empty
	 * when they are discovered through DNS
	 * @param discovery where the replicas are found when they come and go
	 * @param policy how a replica is picked for each request
	 * @param apiKey when set, sent to the backends as a bearer token
	 * @param admission when requests queue in the proxy and when they are refused
	 * @param batching how concurrent embedding requests are merged
	 */
	public record Pool(@NotBlank String model, @DefaultValue List<String> aliases, @DefaultValue List<URI> backends,
			@DefaultValue @Valid Discovery discovery, @DefaultValue("prefix-aware") @NotNull PolicyName policy,
			@Nullable String apiKey, @DefaultValue @Valid Admission admission, @DefaultValue @Valid Batching batching) {

		/**
		 * Whether the replicas come from exactly one place.
		 * @return true when either backends or a DNS name is given, not both
		 */
		@AssertTrue(message = "give either backends (replica URLs) or discovery.dns-name (a name listing the "
				+ "replicas), not both and not neither")
		public boolean isOneSourceOfReplicas() {
			return this.backends.isEmpty() != (this.discovery.dnsName() == null);
		}

		/**
		 * Whether every backend URL can be called.
		 * @return true when each is http or https with a host and no query
		 */
		@AssertTrue(message = "each of backends must be an http or https URL with a host, such as "
				+ "http://vllm-0:8000, and no query or fragment")
		public boolean isEveryBackendUrlCallable() {
			return this.backends.stream()
				.allMatch((url) -> ("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
						&& url.getHost() != null && url.getQuery() == null && url.getFragment() == null);
		}

	}

	/**
	 * Merging of concurrent {@code /v1/embeddings} requests into one call to a replica.
	 *
	 * @param enabled whether requests are merged
	 * @param maxInputs most texts in one merged call
	 * @param maxWait longest a request waits for others to join its call
	 */
	public record Batching(@DefaultValue("true") boolean enabled, @DefaultValue("64") @Min(1) @Max(2048) int maxInputs,
			@DefaultValue("2ms") @NotNull Duration maxWait) {

		/**
		 * Whether the wait is at most a second, beyond which batching costs more than it
		 * saves.
		 * @return true when it is between 0 and 1 s
		 */
		@AssertTrue(message = "max-wait must be between 0 and 1s")
		public boolean isWaitBounded() {
			return !this.maxWait.isNegative() && this.maxWait.compareTo(Duration.ofSeconds(1)) <= 0;
		}

	}

	/**
	 * Replicas found through DNS, as a Kubernetes headless Service lists its ready pods:
	 * every address the name resolves to is a replica, on the same port. The name is
	 * resolved again at each refresh, so replicas come and go while the proxy runs; when
	 * a lookup fails, the replicas found last stay.
	 *
	 * @param dnsName the name, e.g. {@code vllm.devassist.svc.cluster.local}; none for a
	 * pool with static backends
	 * @param port the port every replica listens on
	 * @param scheme {@code http} or {@code https}
	 * @param refresh time between two lookups
	 */
	public record Discovery(@Nullable String dnsName, @DefaultValue("8000") @Min(1) @Max(65535) int port,
			@DefaultValue("http") @Pattern(regexp = "https?", message = "must be http or https") String scheme,
			@DefaultValue("5s") @NotNull Duration refresh) {

		/**
		 * Whether the refresh interval is positive.
		 * @return true when it is
		 */
		@AssertTrue(message = "refresh must be positive")
		public boolean isRefreshPositive() {
			return this.refresh.isPositive();
		}

	}

	/**
	 * How the DNS names of discovered pools are looked up.
	 *
	 * @param nameServers DNS servers to ask, as {@code host} or {@code host:port}; empty
	 * for the system's ({@code /etc/resolv.conf}, with its search domains)
	 * @param timeout longest a lookup may take
	 */
	public record Dns(@DefaultValue List<String> nameServers, @DefaultValue("2s") @NotNull Duration timeout) {

		/**
		 * Whether the timeout is positive.
		 * @return true when it is
		 */
		@AssertTrue(message = "timeout must be positive")
		public boolean isTimeoutPositive() {
			return this.timeout.isPositive();
		}

	}

	/**
	 * A pool's admission queue. See {@code AdmissionLimits} for how the shares work.
	 *
	 * @param maxInFlightPerBackend requests one replica may hold before the next waits in
	 * the proxy, where priorities count; set it near the batch size at which the engine's
	 * latency is still acceptable, below vLLM's {@code max-num-seqs}
	 * @param maxQueue requests that may wait in the pool's queue, all bands together
	 * @param maxQueueTime how long a request may wait before it is refused with 429
	 * @param interactiveShare share of each replica's slots and of the queue that
	 * interactive requests may fill
	 * @param ideShare the same for IDE requests
	 * @param batchShare the same for batch requests
	 */
	public record Admission(@DefaultValue("64") @Min(1) int maxInFlightPerBackend,
			@DefaultValue("1024") @Min(1) @Max(1_000_000) int maxQueue,
			@DefaultValue("30s") @NotNull Duration maxQueueTime,
			@DefaultValue("1.0") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double interactiveShare,
			@DefaultValue("0.85") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double ideShare,
			@DefaultValue("0.6") @DecimalMin(value = "0", inclusive = false) @DecimalMax("1") double batchShare) {

		/**
		 * Whether a higher band's share is at least a lower one's, which the queue's
		 * priority order relies on.
		 * @return true when interactive >= ide >= batch
		 */
		@AssertTrue(message = "shares must not grow as priority falls: interactive-share >= ide-share >= batch-share")
		public boolean isOrdered() {
			return this.interactiveShare >= this.ideShare && this.ideShare >= this.batchShare;
		}

		/**
		 * Whether the queue time limit is positive.
		 * @return true when it is
		 */
		@AssertTrue(message = "max-queue-time must be positive")
		public boolean isQueueTimePositive() {
			return this.maxQueueTime.isPositive();
		}

		/**
		 * The limits as the admission queue takes them.
		 * @return the limits
		 */
		public AdmissionLimits limits() {
			return new AdmissionLimits(this.maxInFlightPerBackend, this.maxQueue, this.maxQueueTime,
					this.interactiveShare, this.ideShare, this.batchShare);
		}

	}

	/**
	 * How often each replica's {@code /metrics} is read, and when what it said is too old
	 * to route on.
	 *
	 * @param interval time between two reads of a replica
	 * @param staleAfter age after which a replica's state no longer counts
	 */
	public record EngineStateScrape(@DefaultValue("250ms") @NotNull Duration interval,
			@DefaultValue("2s") @NotNull Duration staleAfter) {
	}

	/**
	 * Limits on each call to a backend.
	 *
	 * @param connect to open a connection
	 * @param firstByte from sending the request to the response's headers, which vLLM
	 * sends with the first token of a stream
	 * @param idle between two chunks of a response
	 * @param total for the whole call
	 */
	public record Timeouts(@DefaultValue("2s") @NotNull Duration connect,
			@DefaultValue("60s") @NotNull Duration firstByte, @DefaultValue("30s") @NotNull Duration idle,
			@DefaultValue("10m") @NotNull Duration total) {
	}

}
