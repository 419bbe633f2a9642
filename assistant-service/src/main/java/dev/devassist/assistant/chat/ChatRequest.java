package dev.devassist.assistant.chat;

import java.util.List;
import java.util.Set;

import dev.devassist.assistant.grounding.Filters;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * A message to answer, as a client sends it to {@code POST /api/chat} or over the
 * WebSocket. Everything but the message is optional.
 *
 * @param conversationId the conversation to continue; a new one when absent
 * @param message the user's message
 * @param sources source ids the evidence may come from; all of the caller's when absent
 * @param path a glob over the evidence's paths
 * @param languages language ids the evidence may have
 * @param mode {@code grounded} (default) or {@code agent}
 * @param model the model to answer with; the configured one when absent
 * @param temperature the sampling temperature, 0 to 2
 */
public record ChatRequest(@Nullable String conversationId, @Nullable String message, @Nullable List<String> sources,
		@Nullable String path, @Nullable List<String> languages, @Nullable String mode, @Nullable String model,
		@Nullable Double temperature) {

	/** The modes a turn can answer in. */
	static final Set<String> MODES = Set.of("grounded", "agent");

	/**
	 * Checks every field, naming the first that is wrong.
	 * @param maxMessageChars the longest message accepted
	 * @throws ApiException 400 naming the field
	 */
	void check(int maxMessageChars) {
		if (this.message == null || this.message.isBlank()) {
			throw ApiException.invalid("message", "Field 'message' is required and may not be blank.");
		}
		if (this.message.length() > maxMessageChars) {
			throw ApiException.invalid("message", "Field 'message' has " + this.message.length()
					+ " characters; at most " + maxMessageChars + " are accepted.");
		}
		if (this.message.indexOf('\u0000') >= 0) {
			throw ApiException.invalid("message", "Field 'message' may not contain NUL characters.");
		}
		identifier("conversationId", this.conversationId);
		list("sources", this.sources, 50);
		list("languages", this.languages, 20);
		if (this.path != null && (this.path.isBlank() || this.path.length() > 500)) {
			throw ApiException.invalid("path", "Field 'path' must be a glob of 1 to 500 characters.");
		}
		if (this.mode != null && !MODES.contains(this.mode)) {
			throw ApiException.invalid("mode", "Field 'mode' must be 'grounded' or 'agent'.");
		}
		if (this.model != null && (this.model.isBlank() || this.model.length() > 200)) {
			throw ApiException.invalid("model", "Field 'model' must name a model in 1 to 200 characters.");
		}
		if (this.temperature != null && (this.temperature.isNaN() || this.temperature < 0 || this.temperature > 2)) {
			throw ApiException.invalid("temperature", "Field 'temperature' must be between 0 and 2.");
		}
	}

	Filters filters() {
		return new Filters(this.sources, this.path, this.languages);
	}

	String modeOrDefault() {
		return (this.mode != null) ? this.mode : "grounded";
	}

	private static void identifier(String field, @Nullable String value) {
		if (value != null && (value.isEmpty() || value.length() > 64 || !value.matches("[A-Za-z0-9_-]+"))) {
			throw ApiException.invalid(field, "Field '" + field + "' is not an id this service gave out.");
		}
	}

	private static void list(String field, @Nullable List<String> values, int most) {
		if (values == null) {
			return;
		}
		if (values.isEmpty() || values.size() > most) {
			throw ApiException.invalid(field, "Field '" + field + "' must list 1 to " + most + " values.");
		}
		for (String value : values) {
			if (value == null || value.isBlank() || value.length() > 64) {
				throw ApiException.invalid(field, "Each of field '" + field + "' must have 1 to 64 characters.");
			}
		}
	}

}
