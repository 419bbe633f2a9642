package dev.devassist.rag.embedding;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.devassist.rag.RagProperties;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import dev.devassist.platform.web.RequestIds;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Embeds texts through the inference proxy's {@code /v1/embeddings}, with the caller's
 * tenant as the proxy's fairness key and the work's priority band.
 */
public final class EmbeddingClient {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddingClient.class);

	private final WebClient client;

	private final String model;

	private final int dimension;

	private final Duration timeout;

	private volatile boolean failing;

	/**
	 * Builds the client.
	 * @param properties where the proxy is, which model, and the limits
	 * @param builder Boot's builder, with its codecs and observation
	 */
	public EmbeddingClient(RagProperties.Embedding properties, WebClient.Builder builder) {
		this.model = properties.model();
		this.dimension = properties.dimension();
		this.timeout = properties.timeout();
		HttpClient http = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(properties.timeout().toMillis(), 10_000))
			.responseTimeout(properties.timeout());
		WebClient.Builder configured = builder.clone()
			.baseUrl(properties.proxyUrl().toString())
			.clientConnector(new ReactorClientHttpConnector(http))
			.filter(RequestIds.propagate())
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024));
		if (properties.serviceToken() != null && !properties.serviceToken().isBlank()) {
			configured.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + properties.serviceToken());
		}
		this.client = configured.build();
	}

	/**
	 * The model this client asks for.
	 * @return its name
	 */
	public String model() {
		return this.model;
	}

	/**
	 * Embeds texts in one call.
	 * @param texts the texts, at least one
	 * @param priority the work's band
	 * @param tenant the tenant it is done for
	 * @return one vector per text, in order
	 */
	public Mono<List<float[]>> embed(List<String> texts, Priority priority, String tenant) {
		if (texts.isEmpty()) {
			return Mono.just(List.of());
		}
		return this.client.post()
			.uri("/v1/embeddings")
			.contentType(MediaType.APPLICATION_JSON)
			.header("x-priority", priority.header())
			.header("x-tenant", tenant)
			.bodyValue(Map.of("model", this.model, "input", texts))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(this.timeout)
			.map((body) -> vectors(body, texts.size()))
			.onErrorMap(WebClientResponseException.class, EmbeddingClient::refusal)
			.onErrorMap(WebClientRequestException.class,
					(ex) -> new EmbeddingException("The inference proxy cannot be reached: " + ex.getMessage(), true,
							ex))
			.doOnSuccess((vectors) -> recovered())
			.doOnError(this::failed);
	}

	private List<float[]> vectors(JsonNode body, int expected) {
		JsonNode data = body.get("data");
		if (data == null || !data.isArray() || data.size() != expected) {
			throw new EmbeddingException("The inference proxy answered " + ((data != null) ? data.size() : 0)
					+ " embeddings for " + expected + " texts", false, null);
		}
		float[][] vectors = new float[expected][];
		for (JsonNode item : data) {
			int index = item.path("index").asInt(-1);
			JsonNode embedding = item.get("embedding");
			if (index < 0 || index >= expected || embedding == null || embedding.size() != this.dimension) {
				throw new EmbeddingException("The inference proxy answered an embedding of dimension "
						+ ((embedding != null) ? embedding.size() : 0) + " for model '" + this.model
						+ "', but the index holds dimension " + this.dimension, false, null);
			}
			if (vectors[index] != null) {
				// As many items as texts, none twice: then every text has its vector.
				throw new EmbeddingException("The inference proxy answered text " + index + "'s embedding twice", false,
						null);
			}
			float[] vector = new float[this.dimension];
			for (int d = 0; d < vector.length; d++) {
				vector[d] = (float) embedding.get(d).asDouble();
			}
			vectors[index] = vector;
		}
		return List.of(vectors);
	}

	private static EmbeddingException refusal(WebClientResponseException ex) {
		int status = ex.getStatusCode().value();
		boolean transientFailure = status == 429 || status == 502 || status == 503 || status == 504;
		return new EmbeddingException(
				"The inference proxy refused the embedding call with " + status + ": " + ex.getResponseBodyAsString(),
				transientFailure, ex);
	}

	private void failed(Throwable ex) {
		if (!this.failing) {
			this.failing = true;
			logger.warn("Embedding through the inference proxy failed; callers will retry or degrade: {}",
					ex.getMessage());
		}
		else {
			logger.debug("Embedding through the inference proxy failed again: {}", ex.getMessage());
		}
	}

	private void recovered() {
		if (this.failing) {
			this.failing = false;
			logger.info("Embedding through the inference proxy works again.");
		}
	}

}
