package dev.devassist.assistant.grounding;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.assistant.Identity;
import dev.devassist.assistant.RedisCache;
import dev.devassist.platform.web.RequestIds;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.util.UriBuilder;

/**
 * Calls rag-service with the caller's own token, so every search, source listing and file
 * read is scoped to what the caller may see. Searches are cached briefly per tenant,
 * query and filters.
 */
public class RagClient {

	private static final Logger logger = LoggerFactory.getLogger(RagClient.class);

	/** rag-service's longest query, in characters. */
	static final int MAX_QUERY_LENGTH = 2000;

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final TypeReference<List<Passage>> PASSAGES = new TypeReference<>() {
	};

	private final WebClient web;

	private final AssistantProperties.Rag properties;

	private final RedisCache cache;

	private final Duration cacheFor;

	private volatile boolean failing;

	public RagClient(WebClient.Builder builder, AssistantProperties.Rag properties, RedisCache cache,
			Duration cacheFor) {
		this.web = builder.clone().baseUrl(properties.url().toString()).filter(RequestIds.propagate()).build();
		this.properties = properties;
		this.cache = cache;
		this.cacheFor = cacheFor;
	}

	/**
	 * Retrieves evidence for a question. A rag-service that is down or slow gives a
	 * retrieval with no passages that says why, never an error.
	 * @param identity who asks
	 * @param question the question
	 * @param filters what the evidence may come from
	 * @return the retrieval
	 */
	public Mono<Retrieval> retrieve(Identity identity, String question, Filters filters) {
		String query = query(question);
		String key = RedisCache.key("retrieval", identity.tenant(), query, String.valueOf(filters.sources()),
				String.valueOf(filters.path()), String.valueOf(filters.languages()),
				String.valueOf(this.properties.passages()));
		long started = System.nanoTime();
		Mono<Retrieval> cached = this.cache.get(key)
			.map((json) -> new Retrieval(query, JSON.readValue(json, PASSAGES), "cached", elapsedMs(started), true,
					null));
		Mono<Retrieval> searched = search(identity, query, filters, started)
			.flatMap((retrieval) -> this.cache.put(key, JSON.writeValueAsString(retrieval.passages()), this.cacheFor)
				.thenReturn(retrieval));
		return cached.switchIfEmpty(searched)
			.onErrorResume(RagUnavailableException.class,
					(ex) -> Mono.just(Retrieval.unavailable(query, ex.getMessage(), elapsedMs(started))));
	}

	private Mono<Retrieval> search(Identity identity, String query, Filters filters, long started) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("query", query);
		body.put("limit", this.properties.passages() * 2);
		body.put("maxPerFile", this.properties.maxPerFile());
		if (filters.sources() != null) {
			body.put("sources", filters.sources());
		}
		if (filters.path() != null) {
			body.put("path", filters.path());
		}
		if (filters.languages() != null) {
			body.put("languages", filters.languages());
		}
		return this.web.post()
			.uri("/api/search")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + identity.token())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(this.properties.timeout())
			.map((answer) -> {
				recovered();
				return new Retrieval(query, distinct(passages(answer)), answer.path("mode").asString("hybrid"),
						elapsedMs(started), false, null);
			})
			.onErrorMap(RagClient::unavailable, this::toUnavailable);
	}

	/**
	 * Lists the caller's sources.
	 * @param identity who asks
	 * @return rag-service's answer, as JSON
	 */
	public Mono<JsonNode> sources(Identity identity) {
		return get(identity, (uri) -> uri.path("/api/sources").build());
	}

	/**
	 * Reads lines of one of the caller's files.
	 * @param identity who asks
	 * @param sourceId the source
	 * @param path the file's path in it
	 * @param start the first line
	 * @param end the last line
	 * @return rag-service's answer, as JSON
	 */
	public Mono<JsonNode> lines(Identity identity, String sourceId, String path, int start, int end) {
		return get(identity,
				(uri) -> uri.pathSegment("api", "sources", sourceId, "files")
					.pathSegment(path.split("/"))
					.queryParam("start", start)
					.queryParam("end", end)
					.build());
	}

	private Mono<JsonNode> get(Identity identity, Function<UriBuilder, URI> uri) {
		return this.web.get()
			.uri(uri)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + identity.token())
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(this.properties.timeout())
			.onErrorMap(RagClient::unavailable, this::toUnavailable);
	}

	static String query(String question) {
		String stripped = question.strip();
		return (stripped.length() <= MAX_QUERY_LENGTH) ? stripped : stripped.substring(0, MAX_QUERY_LENGTH);
	}

	private List<Passage> distinct(List<Passage> passages) {
		List<Passage> kept = new ArrayList<>();
		for (Passage passage : passages) {
			if (kept.size() == this.properties.passages()) {
				break;
			}
			if (kept.stream().noneMatch(passage::overlaps)) {
				kept.add(passage);
			}
		}
		return List.copyOf(kept);
	}

	private static List<Passage> passages(JsonNode answer) {
		List<Passage> passages = new ArrayList<>();
		for (JsonNode hit : answer.path("hits")) {
			passages.add(new Passage(hit.path("sourceId").asString(), hit.path("path").asString(),
					hit.path("startLine").asInt(), hit.path("endLine").asInt(), text(hit.path("symbol")),
					hit.path("language").asString("text"), hit.path("score").asDouble(), hit.path("snippet").asString(),
					hit.path("link").asString("")));
		}
		return passages;
	}

	private static @Nullable String text(JsonNode node) {
		return (node.isString() && !node.asString().isEmpty()) ? node.asString() : null;
	}

	private static boolean unavailable(Throwable ex) {
		return ex instanceof WebClientRequestException || ex instanceof TimeoutException
				|| (ex instanceof WebClientResponseException response && response.getStatusCode().is5xxServerError());
	}

	private RagUnavailableException toUnavailable(Throwable ex) {
		String reason = (ex instanceof TimeoutException)
				? "rag-service did not answer within " + this.properties.timeout().toMillis() + " ms"
				: "rag-service cannot be reached: " + ex.getMessage();
		if (!this.failing) {
			this.failing = true;
			logger.warn("{}; answers go on without evidence until it is back.", reason);
		}
		else {
			logger.debug("{}.", reason);
		}
		return new RagUnavailableException(reason, ex);
	}

	private void recovered() {
		if (this.failing) {
			this.failing = false;
			logger.info("rag-service answers again; answers are grounded again.");
		}
	}

	private static long elapsedMs(long started) {
		return (System.nanoTime() - started) / 1_000_000;
	}

}
