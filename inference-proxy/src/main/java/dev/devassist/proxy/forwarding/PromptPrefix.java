package dev.devassist.proxy.forwarding;

import java.util.Arrays;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chained hashes of a prompt's leading blocks, so that prefix-aware routing can send a
 * prompt to the replica that most likely still holds its beginning in the KV cache. The
 * proxy does not tokenize: a block is {@value #BLOCK_CHARS} characters of the prompt as
 * the chat template would lay it out (each message's role, then its text), about 60
 * tokens. Each hash covers its block and every block before it, as vLLM's prefix-cache
 * block hashes do, so equal hashes mean equal prefixes. Only whole blocks count, and at
 * most {@value #MAX_BLOCKS} (128k characters, some 30k tokens): beyond that the routing
 * choice hardly ever changes.
 */
final class PromptPrefix {

	static final int BLOCK_CHARS = 256;

	static final int MAX_BLOCKS = 512;

	private static final JsonMapper JSON = Json.MAPPER;

	private static final long[] NONE = {};

	/** Grown as blocks fill; most prompts are a few blocks long, and many none. */
	private long[] hashes = NONE;

	private int count;

	private long chain = 0x9E3779B97F4A7C15L;

	private long block = 0xCBF29CE484222325L;

	private int filled;

	private PromptPrefix() {
	}

	/**
	 * Hashes the prompt of a chat ({@code messages}) or completion ({@code prompt})
	 * request. The body has already been checked to be a JSON object.
	 * @param body the request body
	 * @return the hashes, shortest prefix first; empty when the prompt is shorter than a
	 * block or cannot be read
	 */
	static long[] hashes(byte[] body) {
		PromptPrefix prefix = new PromptPrefix();
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				return NONE;
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME && !prefix.full()) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (name.equals("messages") && value == JsonToken.START_ARRAY) {
					prefix.messages(parser);
				}
				else if (name.equals("prompt")) {
					prefix.prompt(parser, value);
				}
				else {
					parser.skipChildren();
				}
			}
		}
		catch (JacksonException ex) {
			// The body was valid when its facts were read; a prompt of unexpected shape
			// simply gives no hashes.
		}
		return (prefix.count == 0) ? NONE : Arrays.copyOf(prefix.hashes, prefix.count);
	}

	private void messages(JsonParser parser) {
		while (parser.nextToken() == JsonToken.START_OBJECT && !full()) {
			String role = "";
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if (name.equals("role") && value == JsonToken.VALUE_STRING) {
					role = parser.getString();
					add(role);
					add("\n");
				}
				else if (name.equals("content")) {
					content(parser, value);
					add("\n");
				}
				else {
					parser.skipChildren();
				}
			}
		}
	}

	private void content(JsonParser parser, JsonToken value) {
		if (value == JsonToken.VALUE_STRING) {
			add(parser.getString());
		}
		else if (value == JsonToken.START_ARRAY) {
			while (parser.nextToken() == JsonToken.START_OBJECT) {
				while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					JsonToken part = parser.nextToken();
					if (name.equals("text") && part == JsonToken.VALUE_STRING) {
						add(parser.getString());
					}
					else {
						parser.skipChildren();
					}
				}
			}
		}
		else {
			parser.skipChildren();
		}
	}

	private void prompt(JsonParser parser, JsonToken value) {
		if (value == JsonToken.VALUE_STRING) {
			add(parser.getString());
		}
		else if (value == JsonToken.START_ARRAY) {
			// A batch of prompts: the first one decides. Token-id prompts give no hashes.
			boolean first = true;
			for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
				if (first && item == JsonToken.VALUE_STRING) {
					add(parser.getString());
				}
				first = false;
				parser.skipChildren();
			}
		}
		else {
			parser.skipChildren();
		}
	}

	private boolean full() {
		return this.count == MAX_BLOCKS;
	}

	private void add(String text) {
		for (int i = 0; i < text.length() && !full(); i++) {
			this.block = (this.block ^ text.charAt(i)) * 0x100000001B3L;
			if (++this.filled == BLOCK_CHARS) {
				this.chain = mix(this.chain * 31 + this.block);
				if (this.count == this.hashes.length) {
					this.hashes = Arrays.copyOf(this.hashes, Math.min(MAX_BLOCKS, Math.max(8, this.count * 2)));
				}
				this.hashes[this.count++] = this.chain;
				this.block = 0xCBF29CE484222325L;
				this.filled = 0;
			}
		}
	}

	/** A 64-bit finalizer (from SplitMix64), so that nearby inputs spread apart. */
	private static long mix(long value) {
		long z = value;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

}
