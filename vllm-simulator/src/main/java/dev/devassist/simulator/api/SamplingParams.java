package dev.devassist.simulator.api;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The sampling fields that chat and completion requests share, validated as vLLM
 * validates them, including the check that prompt and output fit the context.
 *
 * @param n choices to generate
 * @param maxTokens most tokens each choice generates
 * @param minTokens fewest tokens each choice generates
 * @param ignoreEos whether each choice generates exactly {@code maxTokens}
 * @param stop stop strings
 * @param seed the sampling seed, or null
 * @param stream whether to answer as server-sent events
 * @param includeUsage whether a stream ends with a usage event
 * @param topLogprobs log probabilities to return per token, or -1 for none
 */
record SamplingParams(int n, int maxTokens, int minTokens, boolean ignoreEos, List<String> stop, @Nullable Long seed,
		boolean stream, boolean includeUsage, int topLogprobs) {

	static final int MAX_CHOICES = 128;

	static final int MAX_STOP_STRINGS = 16;

	/**
	 * Reads the fields.
	 * @param fields the request
	 * @param promptTokens the prompt's length in tokens
	 * @param maxModelLen the context length
	 * @param chat whether this is a chat request, which names its log-probability fields
	 * differently
	 * @return the validated parameters
	 */
	static SamplingParams read(JsonFields fields, int promptTokens, int maxModelLen, boolean chat) {
		fields.number("temperature", 0, Double.MAX_VALUE);
		fields.number("top_p", Double.MIN_VALUE, 1);
		fields.number("presence_penalty", -2, 2);
		fields.number("frequency_penalty", -2, 2);
		int n = orDefault(fields.integer("n", 1, MAX_CHOICES), 1);
		Integer requested = chat
				? firstPresent(fields.integer("max_completion_tokens", 1, Integer.MAX_VALUE),
						fields.integer("max_tokens", 1, Integer.MAX_VALUE))
				: fields.integer("max_tokens", 1, Integer.MAX_VALUE);
		int minTokens = orDefault(fields.integer("min_tokens", 0, Integer.MAX_VALUE), 0);
		boolean ignoreEos = fields.bool("ignore_eos");
		List<String> stop = fields.strings("stop", MAX_STOP_STRINGS);
		Long seed = fields.longValue("seed");
		boolean stream = fields.bool("stream");
		boolean includeUsage = false;
		if (fields.node("stream_options") != null) {
			includeUsage = fields.body().path("stream_options").path("include_usage").asBoolean(false);
		}
		int topLogprobs = chat ? chatLogprobs(fields) : orDefault(fields.integer("logprobs", 0, 20), -1);

		if (promptTokens >= maxModelLen) {
			throw ApiException.badRequest(
					"This model's maximum context length is " + maxModelLen + " tokens. However, your request has "
							+ promptTokens + " input tokens. Please reduce the length of the input messages.",
					"messages");
		}
		if (requested != null && promptTokens + requested > maxModelLen) {
			throw ApiException.badRequest("'max_tokens' or 'max_completion_tokens' is too large: " + requested
					+ ". This model's maximum context length is " + maxModelLen + " tokens and your request has "
					+ promptTokens + " input tokens (" + requested + " > " + maxModelLen + " - " + promptTokens + ").",
					"max_tokens");
		}
		int maxTokens = (requested != null) ? requested : maxModelLen - promptTokens;
		if (minTokens > maxTokens) {
			throw ApiException.badRequest(
					"min_tokens must be less than or equal to max_tokens=" + maxTokens + ", got " + minTokens + ".",
					"min_tokens");
		}
		return new SamplingParams(n, maxTokens, minTokens, ignoreEos, stop, seed, stream, includeUsage, topLogprobs);
	}

	private static int chatLogprobs(JsonFields fields) {
		boolean logprobs = fields.bool("logprobs");
		Integer top = fields.integer("top_logprobs", 0, 20);
		if (top != null && top > 0 && !logprobs) {
			throw ApiException.badRequest("when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
		}
		return logprobs ? orDefault(top, 0) : -1;
	}

	private static @Nullable Integer firstPresent(@Nullable Integer first, @Nullable Integer second) {
		return (first != null) ? first : second;
	}

	private static int orDefault(@Nullable Integer value, int fallback) {
		return (value != null) ? value : fallback;
	}

	boolean logprobs() {
		return this.topLogprobs >= 0;
	}

}
