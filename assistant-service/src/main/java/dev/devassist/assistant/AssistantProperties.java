package dev.devassist.assistant;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of assistant-service, bound from {@code devassist.assistant.*}.
 *
 * @param rag where evidence comes from
 * @param inference the model server behind the inference proxy
 * @param chat how chat turns stream, and what they refuse
 * @param agent the agent loop's limits
 * @param cache what is answered from Redis
 * @param redis the Redis that holds the caches
 */
@Validated
@ConfigurationProperties("devassist.assistant")
public record AssistantProperties(@DefaultValue @Valid Rag rag, @DefaultValue @Valid Inference inference,
		@DefaultValue @Valid Chat chat, @DefaultValue @Valid Agent agent, @DefaultValue @Valid Cache cache,
		@DefaultValue @Valid Redis redis) {

	/**
	 * rag-service, called with the caller's own token.
	 *
	 * @param url its base URL
	 * @param timeout the longest one search may take before the answer goes on without
	 * evidence
	 * @param passages the most passages retrieved for one question
	 * @param maxPerFile the most passages from one file
	 */
	public record Rag(@DefaultValue("http://127.0.0.1:8082") @NotNull URI url,
			@DefaultValue("3s") @NotNull Duration timeout, @DefaultValue("8") @Min(1) @Max(50) int passages,
			@DefaultValue("2") @Min(1) @Max(50) int maxPerFile) {
	}

	/**
	 * The inference proxy and the chat model behind it.
	 *
	 * @param url the proxy's base URL; leave it empty to run retrieval-only, with no
	 * model
	 * @param serviceToken the proxy's shared service token, when it guards itself with
	 * one
	 * @param model the chat model answers come from
	 * @param contextWindow the model's context window, in tokens
	 * @param maxAnswerTokens the most tokens one answer may take
	 * @param temperature the sampling temperature unless a request sets one
	 * @param connectTimeout the longest a connection to the proxy may take
	 * @param firstTokenTimeout the longest the first token may take; past it the answer
	 * falls back to retrieval-only
	 * @param idleTimeout the longest a stream may pause between chunks
	 * @param totalTimeout the longest one answer may take
	 * @param failureRate the share of failed calls, in percent, that opens the circuit
	 * @param openFor how long an open circuit sends answers to retrieval-only before one
	 * call probes the proxy again
	 */
	public record Inference(@Nullable URI url, @Nullable String serviceToken,
			@DefaultValue("meta-llama/Llama-3.1-8B-Instruct") @NotBlank String model,
			@DefaultValue("8192") @Min(512) @Max(2_000_000) int contextWindow,
			@DefaultValue("1024") @Min(16) @Max(100_000) int maxAnswerTokens,
			@DefaultValue("0.2") @DecimalMin("0") @DecimalMax("2") double temperature,
			@DefaultValue("2s") @NotNull Duration connectTimeout,
			@DefaultValue("30s") @NotNull Duration firstTokenTimeout,
			@DefaultValue("30s") @NotNull Duration idleTimeout, @DefaultValue("5m") @NotNull Duration totalTimeout,
			@DefaultValue("50") @Min(1) @Max(100) int failureRate, @DefaultValue("10s") @NotNull Duration openFor) {

		/**
		 * Whether a model server is configured at all.
		 * @return true when it is
		 */
		public boolean configured() {
			return this.url != null && !this.url.toString().isBlank();
		}

	}

	/**
	 * How chat turns stream.
	 *
	 * @param maxMessageChars the longest message a user may send
	 * @param historyMessages the most earlier messages considered for the prompt
	 * @param heartbeat how often an idle stream sends a heartbeat
	 * @param resumeWindow how long a turn's events stay available to a reconnecting
	 * client after it ends
	 * @param maxBufferedEvents the most events one turn keeps for resuming
	 * @param abandonAfter how long a turn goes on generating with no client listening
	 * before it stops and is marked interrupted
	 * @param maxActiveTurns the most turns generating at once on this instance
	 * @param maxKeptTurns the most ended turns kept for resuming; the oldest go first
	 * @param saveEvery how often a streaming answer's text so far is saved, so a crash
	 * keeps it
	 * @param staleAfter how long an answer may stay {@code streaming} without being saved
	 * before it counts as cut short by a dead instance and is marked interrupted; longer
	 * than the inference total timeout
	 */
	public record Chat(@DefaultValue("32000") @Min(1) @Max(1_000_000) int maxMessageChars,
			@DefaultValue("20") @Min(0) @Max(1000) int historyMessages,
			@DefaultValue("10s") @NotNull Duration heartbeat, @DefaultValue("5m") @NotNull Duration resumeWindow,
			@DefaultValue("20000") @Min(16) @Max(1_000_000) int maxBufferedEvents,
			@DefaultValue("60s") @NotNull Duration abandonAfter,
			@DefaultValue("2000") @Min(1) @Max(1_000_000) int maxActiveTurns,
			@DefaultValue("5000") @Min(0) @Max(1_000_000) int maxKeptTurns,
			@DefaultValue("2s") @NotNull Duration saveEvery, @DefaultValue("6m") @NotNull Duration staleAfter) {
	}

	/**
	 * The agent loop's limits.
	 *
	 * @param maxSteps the most model calls in one turn
	 * @param maxTokens the most tokens, prompt and completion, all steps together
	 * @param timeout the longest one agent turn may take
	 * @param readFileMaxLines the most lines {@code read_file} returns
	 * @param toolResultMaxChars the most characters of one tool result the model sees
	 */
	public record Agent(@DefaultValue("6") @Min(1) @Max(50) int maxSteps,
			@DefaultValue("32000") @Min(100) @Max(10_000_000) int maxTokens,
			@DefaultValue("2m") @NotNull Duration timeout,
			@DefaultValue("200") @Min(1) @Max(10_000) int readFileMaxLines,
			@DefaultValue("12000") @Min(100) @Max(1_000_000) int toolResultMaxChars) {
	}

	/**
	 * What is answered from Redis.
	 *
	 * @param answers how long a deterministic answer (temperature 0, the same evidence)
	 * is kept; zero turns the answer cache off
	 * @param retrieval how long a search's passages are kept per tenant and query; zero
	 * turns it off
	 */
	public record Cache(@DefaultValue("10m") @NotNull Duration answers,
			@DefaultValue("60s") @NotNull Duration retrieval) {
	}

	/**
	 * The Redis that holds the caches.
	 *
	 * @param url its URL, e.g. {@code redis://127.0.0.1:6379}
	 * @param timeout the longest one command may take; past it the cache is skipped
	 */
	public record Redis(@DefaultValue("redis://127.0.0.1:6379") @NotNull URI url,
			@DefaultValue("500ms") @NotNull Duration timeout) {
	}

}
