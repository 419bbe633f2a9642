package dev.devassist.simulator.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import dev.devassist.simulator.api.JsonFields.TextOrTokens;
import dev.devassist.simulator.metrics.VllmMetrics;
import dev.devassist.simulator.tokens.Tokenizer;
import tools.jackson.databind.JsonNode;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/embeddings}: deterministic unit vectors. Each token adds a few signed
 * components at positions its id hashes to, so texts that share words point in similar
 * directions, which lets retrieval tests rank by meaning of a kind.
 */
final class EmbeddingsHandler implements ApiHandler {

	private static final int MAX_INPUTS = 2048;

	private static final int COMPONENTS_PER_TOKEN = 8;

	private final ModelCatalog catalog;

	private final Tokenizer tokenizer;

	private final VllmMetrics metrics;

	private final int dimension;

	EmbeddingsHandler(ModelCatalog catalog, Tokenizer tokenizer, VllmMetrics metrics, int dimension) {
		this.catalog = catalog;
		this.tokenizer = tokenizer;
		this.metrics = metrics;
		this.dimension = dimension;
	}

	@Override
	public Mono<Void> handle(JsonFields request, HttpServerResponse response) {
		String model = this.catalog.requireEmbedding(request.requiredString("model"));
		List<int[]> inputs = inputs(request);
		Integer dimensions = request.integer("dimensions", 1, this.dimension);
		int length = (dimensions != null) ? dimensions : this.dimension;
		JsonNode format = request.node("encoding_format");
		if (format != null && !(format.isString() && List.of("float", "base64").contains(format.asString()))) {
			throw ApiException.badRequest("Field 'encoding_format' must be float or base64.", "encoding_format");
		}
		boolean base64 = format != null && format.asString().equals("base64");

		int promptTokens = 0;
		for (int i = 0; i < inputs.size(); i++) {
			if (inputs.get(i).length > this.catalog.maxModelLen()) {
				throw ApiException.badRequest("This model's maximum context length is " + this.catalog.maxModelLen()
						+ " tokens. However, input " + i + " has " + inputs.get(i).length
						+ " tokens. Please reduce the length of the input.", "input");
			}
			promptTokens += inputs.get(i).length;
		}
		inputs.forEach((input) -> this.metrics.onEmbedding(input.length));
		int totalTokens = promptTokens;
		byte[] body = Json.write((json) -> {
			json.writeStartObject();
			json.writeStringProperty("id", Ids.next("embd-"));
			json.writeStringProperty("object", "list");
			json.writeNumberProperty("created", Ids.epochSeconds());
			json.writeStringProperty("model", model);
			json.writeArrayPropertyStart("data");
			for (int i = 0; i < inputs.size(); i++) {
				float[] vector = embed(inputs.get(i), length);
				json.writeStartObject();
				json.writeNumberProperty("index", i);
				json.writeStringProperty("object", "embedding");
				if (base64) {
					json.writeStringProperty("embedding", encode(vector));
				}
				else {
					json.writeArrayPropertyStart("embedding");
					for (float value : vector) {
						json.writeNumber(value);
					}
					json.writeEndArray();
				}
				json.writeEndObject();
			}
			json.writeEndArray();
			ResponseFields.writeUsage(json, totalTokens, List.of());
			json.writeEndObject();
		});
		return Responses.json(response, 200, body);
	}

	private List<int[]> inputs(JsonFields request) {
		List<int[]> inputs = new ArrayList<>();
		for (TextOrTokens input : request.textsOrTokens("input", MAX_INPUTS)) {
			inputs.add(
					(input.text() != null) ? this.tokenizer.encode(input.text()) : Objects.requireNonNull(input.ids()));
		}
		return inputs;
	}

	static float[] embed(int[] tokens, int length) {
		float[] vector = new float[length];
		for (int token : tokens) {
			long state = token * 0x9E3779B97F4A7C15L + length;
			for (int component = 0; component < COMPONENTS_PER_TOKEN; component++) {
				state = mix(state + component);
				int position = (int) Long.remainderUnsigned(state, length);
				vector[position] += ((state & (1L << 40)) != 0) ? 1f : -1f;
			}
		}
		double norm = 0;
		for (float value : vector) {
			norm += value * value;
		}
		if (norm == 0) {
			vector[0] = 1;
			return vector;
		}
		float scale = (float) (1 / Math.sqrt(norm));
		for (int i = 0; i < length; i++) {
			vector[i] *= scale;
		}
		return vector;
	}

	private static long mix(long value) {
		long z = (value ^ (value >>> 33)) * 0xFF51AFD7ED558CCDL;
		z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
		return z ^ (z >>> 33);
	}

	private static String encode(float[] vector) {
		ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(vector);
		return Base64.getEncoder().encodeToString(buffer.array());
	}

}
