package dev.devassist.simulator.api;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.devassist.simulator.tokens.Tokenizer;
import tools.jackson.core.JsonGenerator;

/**
 * Deterministic log probabilities for the simulated tokens: the sampled token always
 * ranks first, and alternatives rank below it, so clients that read logprobs get a
 * well-formed, repeatable answer.
 */
final class Logprobs {

	private static final String[] ALTERNATIVES = { " the", " a", ",", ".", " and", " to", " of", " in", " is", " it",
			" for", " on", " that", " with", " as", " be", " this", " by", " or", " at" };

	private Logprobs() {
	}

	static double of(String token) {
		return -(Tokenizer.idOf(token) % 1000) / 4000.0;
	}

	/**
	 * Writes one token's entry as the chat API shapes it.
	 */
	static void writeChatEntry(JsonGenerator json, String token, int top) {
		json.writeStartObject();
		writeTokenFields(json, token, of(token));
		json.writeArrayPropertyStart("top_logprobs");
		if (top > 0) {
			json.writeStartObject();
			writeTokenFields(json, token, of(token));
			json.writeEndObject();
		}
		int rank = 1;
		for (int i = 0; rank < top && i < ALTERNATIVES.length; i++) {
			if (!ALTERNATIVES[i].equals(token)) {
				json.writeStartObject();
				writeTokenFields(json, ALTERNATIVES[i], of(token) - rank * 0.5);
				json.writeEndObject();
				rank++;
			}
		}
		json.writeEndArray();
		json.writeEndObject();
	}

	/**
	 * Writes a choice's {@code logprobs} object as the completions API shapes it.
	 */
	static void writeCompletionLogprobs(JsonGenerator json, List<String> tokens, int top) {
		json.writeObjectPropertyStart("logprobs");
		json.writeArrayPropertyStart("text_offset");
		int offset = 0;
		for (String token : tokens) {
			json.writeNumber(offset);
			offset += token.length();
		}
		json.writeEndArray();
		json.writeArrayPropertyStart("token_logprobs");
		for (String token : tokens) {
			json.writeNumber(of(token));
		}
		json.writeEndArray();
		json.writeArrayPropertyStart("tokens");
		for (String token : tokens) {
			json.writeString(token);
		}
		json.writeEndArray();
		json.writeArrayPropertyStart("top_logprobs");
		for (String token : tokens) {
			json.writeStartObject();
			json.writeNumberProperty(token, of(token));
			int rank = 1;
			for (int i = 0; rank < top && i < ALTERNATIVES.length; i++) {
				if (!ALTERNATIVES[i].equals(token)) {
					json.writeNumberProperty(ALTERNATIVES[i], of(token) - rank * 0.5);
					rank++;
				}
			}
			json.writeEndObject();
		}
		json.writeEndArray();
		json.writeEndObject();
	}

	private static void writeTokenFields(JsonGenerator json, String token, double logprob) {
		json.writeStringProperty("token", token);
		json.writeNumberProperty("logprob", logprob);
		json.writeArrayPropertyStart("bytes");
		for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
			json.writeNumber(b & 0xFF);
		}
		json.writeEndArray();
	}

}
