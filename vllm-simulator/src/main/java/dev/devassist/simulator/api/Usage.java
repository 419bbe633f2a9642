package dev.devassist.simulator.api;

import tools.jackson.core.JsonGenerator;

/**
 * The {@code usage} object of OpenAI responses.
 */
final class Usage {

	private Usage() {
	}

	static void write(JsonGenerator json, int promptTokens, int completionTokens) {
		json.writeObjectPropertyStart("usage");
		json.writeNumberProperty("prompt_tokens", promptTokens);
		json.writeNumberProperty("total_tokens", promptTokens + completionTokens);
		json.writeNumberProperty("completion_tokens", completionTokens);
		json.writeNullProperty("prompt_tokens_details");
		json.writeEndObject();
	}

}
