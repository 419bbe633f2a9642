package dev.devassist.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.devassist.simulator.engine.LatencyModel;
import dev.devassist.simulator.faults.FaultSettings;
import dev.devassist.simulator.generation.ResponseMode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the simulator, bound from {@code simulator.*}. Engine settings carry
 * vLLM's names so that a simulated server can be set up like a real one.
 *
 * @param host address to listen on
 * @param port port to listen on; vLLM's default is 8000
 * @param model the generation model's served name
 * @param modelAliases further names the generation model answers to
 * @param embeddingModel the embedding model's served name
 * @param embeddingDimension length of the embedding vectors
 * @param maxModelLen context length in tokens: prompt plus output
 * @param profile the latency profile
 * @param latency overrides of the profile's step costs, each optional
 * @param maxNumSeqs most sequences in one running batch
 * @param maxNumBatchedTokens most tokens computed in one engine step
 * @param blockSize tokens in one KV-cache block
 * @param numGpuBlocks KV-cache capacity in blocks
 * @param enablePrefixCaching whether full prompt blocks are reused across requests
 * @param responseMode what the model answers when no script rule or tool rule applies
 * @param script a JSON file of scripted answers, or none
 * @param legacyMetrics whether to also expose vLLM's deprecated metric names
 * @param apiKey when set, the bearer token that {@code /v1} and {@code /admin} require
 * @param maxRequestSize largest request body accepted
 * @param drainTimeout how long shutdown waits for requests in flight
 * @param faults faults to inject from the start
 */
@ConfigurationProperties("simulator")
@Validated
public record SimulatorProperties(@DefaultValue("0.0.0.0") @NotBlank String host,
		@DefaultValue("8000") @Min(0) @Max(65535) int port,
		@DefaultValue("meta-llama/Llama-3.1-8B-Instruct") @NotBlank String model,
		@DefaultValue List<String> modelAliases, @DefaultValue("sim-embedding") @NotBlank String embeddingModel,
		@DefaultValue("384") @Min(1) @Max(8192) int embeddingDimension, @DefaultValue("8192") @Min(16) int maxModelLen,
		@DefaultValue("fast") @NotNull LatencyProfile profile, @DefaultValue @Valid Latency latency,
		@DefaultValue("256") @Min(1) int maxNumSeqs, @DefaultValue("8192") @Min(1) int maxNumBatchedTokens,
		@DefaultValue("16") @Min(1) int blockSize, @DefaultValue("16384") @Min(1) int numGpuBlocks,
		@DefaultValue("true") boolean enablePrefixCaching, @DefaultValue("echo") @NotNull ResponseMode responseMode,
		@Nullable Path script, @DefaultValue("false") boolean legacyMetrics, @Nullable String apiKey,
		@DefaultValue("16MB") @NotNull DataSize maxRequestSize, @DefaultValue("30s") @NotNull Duration drainTimeout,
		@DefaultValue @NotNull FaultSettings faults) {

	/**
	 * Checks that one sequence of the longest context fits the KV cache, so that every
	 * accepted request can run.
	 * @return whether the cache is large enough
	 */
	@AssertTrue(message = "numGpuBlocks * blockSize must hold at least maxModelLen tokens")
	public boolean isKvCacheLargeEnough() {
		return (long) this.numGpuBlocks * this.blockSize >= this.maxModelLen;
	}

	/**
	 * The profile's latency with any overrides applied.
	 * @return the latency model
	 */
	public LatencyModel latencyModel() {
		LatencyModel base = this.profile.model();
		return new LatencyModel((this.latency.base() != null) ? this.latency.base() : base.base(),
				(this.latency.perPrefillToken() != null) ? this.latency.perPrefillToken() : base.perPrefillToken(),
				(this.latency.perSequence() != null) ? this.latency.perSequence() : base.perSequence());
	}

	/**
	 * Overrides of the latency profile.
	 *
	 * @param base fixed cost of an engine step
	 * @param perPrefillToken cost of each prompt token computed
	 * @param perSequence cost of each sequence in a step
	 */
	public record Latency(@Nullable Duration base, @Nullable Duration perPrefillToken, @Nullable Duration perSequence) {
	}

}
