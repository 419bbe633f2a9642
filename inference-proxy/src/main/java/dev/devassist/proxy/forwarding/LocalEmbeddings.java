package dev.devassist.proxy.forwarding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import dev.devassist.proxy.embedding.EmbeddingBatcher;
import dev.devassist.proxy.embedding.MiniLmEncoder;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers {@code /v1/embeddings} for the in-process model in OpenAI's shape, floats or
 * base64, with token usage. Input is a string or an array of strings; token-id input,
 * which only the model's own tokenizer could produce, is refused.
 */
public final class LocalEmbeddings {

	private static final JsonMapper JSON = Json.MAPPER;

	/** The most texts one request may carry, as OpenAI allows. */
	static final int MAX_INPUTS = 2048;

	private final String model;

	private final List<String> names;

	private final EmbeddingBatcher batcher;

	/**
	 * Creates the handler.
	 * @param model the model's name, as answered
	 * @param names every name clients may use for it
	 * @param batcher runs the texts through the model
	 */
	public LocalEmbeddings(String model, List<String> names, EmbeddingBatcher batcher) {
		this.model = model;
		this.names = List.copyOf(names);
		this.batcher = batcher;
	}

	/**
	 * The names clients may use.
	 * @return the model's name and aliases
	 */
	public List<String> names() {
		return this.names;
	}

	boolean serves(String model) {
		return this.names.contains(model);
	}

	Mono<Void> handle(String path, byte[] body, HttpServerResponse response, Executor loop) {
		if (!path.equals("/v1/embeddings")) {
			throw new ProxyException(404, "NotFoundError", "The model `" + this.model + "` only serves /v1/embeddings.",
					"model");
		}
		Request request = parse(body);
		List<CompletableFuture<EmbeddingBatcher.Embedded>> futures;
		try {
			futures = this.batcher.submit(request.texts());
		}
		catch (EmbeddingBatcher.QueueFull ex) {
			throw new ProxyException(429, "RateLimitError", ex.getMessage() + ".", null, 1);
		}
		// The answer is written on the request's own event loop: completed on the model's
		// worker thread, it would hold up the next batch while every answer of this one
		// is turned into JSON.
		return Mono
			.fromFuture(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
				.thenApplyAsync((done) -> answer(futures, request.base64()), loop))
			.onErrorMap((ex) -> !(ex instanceof ProxyException),
					(ex) -> new ProxyException(500, "InternalServerError",
							"The local embedding model failed: " + ex.getMessage(), null))
			.flatMap((bytes) -> response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length))
				.sendByteArray(Mono.just(bytes))
				.then());
	}

	private static Request parse(byte[] body) {
		JsonNode tree;
		try {
			tree = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			throw ProxyException.badRequest("The request body is not valid JSON.", null);
		}
		JsonNode input = tree.get("input");
		List<String> texts = new ArrayList<>();
		if (input == null || input.isNull()) {
			throw ProxyException.badRequest("Field 'input' is required.", "input");
		}
		if (input.isString()) {
			texts.add(input.asString());
		}
		else if (input.isArray() && !input.isEmpty()) {
			if (input.size() > MAX_INPUTS) {
				throw ProxyException.badRequest(
						"Field 'input' holds " + input.size() + " items; at most " + MAX_INPUTS + " are allowed.",
						"input");
			}
			for (JsonNode item : input) {
				if (!item.isString()) {
					throw ProxyException.badRequest("Field 'input' must be a string or an array of strings; the "
							+ "local model does not take token ids.", "input");
				}
				texts.add(item.asString());
			}
		}
		else {
			throw ProxyException.badRequest("Field 'input' must be a non-empty string or array of strings.", "input");
		}
		for (String text : texts) {
			if (text.isEmpty()) {
				throw ProxyException.badRequest("Field 'input' must not contain empty strings.", "input");
			}
		}
		JsonNode format = tree.get("encoding_format");
		boolean base64 = false;
		if (format != null && !format.isNull()) {
			if (!format.isString() || !(format.asString().equals("float") || format.asString().equals("base64"))) {
				throw ProxyException.badRequest("Field 'encoding_format' must be 'float' or 'base64'.",
						"encoding_format");
			}
			base64 = format.asString().equals("base64");
		}
		JsonNode dimensions = tree.get("dimensions");
		if (dimensions != null && !dimensions.isNull()
				&& !(dimensions.isIntegralNumber() && dimensions.asLong() == MiniLmEncoder.DIMENSIONS)) {
			throw ProxyException.badRequest(
					"Field 'dimensions' can only be " + MiniLmEncoder.DIMENSIONS + " for this model.", "dimensions");
		}
		return new Request(texts, base64);
	}

	private byte[] answer(List<CompletableFuture<EmbeddingBatcher.Embedded>> futures, boolean base64) {
		int tokens = 0;
		try (ByteArrayBuilder out = new ByteArrayBuilder(futures.size() * (base64 ? 2200 : 4200));
				JsonGenerator json = JSON.createGenerator(out)) {
			json.writeStartObject();
			json.writeStringProperty("object", "list");
			json.writeArrayPropertyStart("data");
			for (int i = 0; i < futures.size(); i++) {
				EmbeddingBatcher.Embedded embedded = futures.get(i).join();
				tokens += embedded.tokens();
				json.writeStartObject();
				json.writeStringProperty("object", "embedding");
				json.writeNumberProperty("index", i);
				json.writeName("embedding");
				if (base64) {
					ByteBuffer bytes = ByteBuffer.allocate(embedded.vector().length * 4).order(ByteOrder.LITTLE_ENDIAN);
					bytes.asFloatBuffer().put(embedded.vector());
					json.writeString(Base64.getEncoder().encodeToString(bytes.array()));
				}
				else {
					json.writeStartArray();
					for (float value : embedded.vector()) {
						json.writeNumber(value);
					}
					json.writeEndArray();
				}
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeStringProperty("model", this.model);
			json.writeObjectPropertyStart("usage");
			json.writeNumberProperty("prompt_tokens", tokens);
			json.writeNumberProperty("total_tokens", tokens);
			json.writeEndObject();
			json.writeEndObject();
			json.flush();
			return out.toByteArray();
		}
	}

	private record Request(List<String> texts, boolean base64) {
	}

}
