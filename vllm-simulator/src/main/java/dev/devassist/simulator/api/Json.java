package dev.devassist.simulator.api;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON reading and streaming writing. Responses are written token by token with a
 * generator rather than through a tree, since they are the simulator's hot path.
 */
final class Json {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

	static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);

	static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

	private Json() {
	}

	static byte[] write(Consumer<JsonGenerator> body) {
		try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator json = MAPPER.createGenerator(out)) {
			body.accept(json);
			json.flush();
			return out.toByteArray();
		}
	}

	/**
	 * Frames a JSON event as a server-sent event.
	 */
	static byte[] event(Consumer<JsonGenerator> body) {
		try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator json = MAPPER.createGenerator(out)) {
			out.write(DATA);
			body.accept(json);
			json.flush();
			out.write(END_OF_EVENT);
			return out.toByteArray();
		}
	}

}
