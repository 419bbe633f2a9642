package dev.devassist.assistant.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.platform.web.RequestIds;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Streams chat completions from the inference proxy, with the caller's tenant and
 * priority for its fair scheduling. Failures that a fallback can answer (no server, a
 * saturated or dead pool, no first token in time, an open circuit) come out as
 * {@link InferenceUnavailableException}; the rest as {@link InferenceException}.
 */
public class InferenceClient {

	private static final Logger logger = LoggerFactory.getLogger(InferenceClient.class);

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private final AssistantProperties.Inference properties;

	private final @Nullable WebClient web;

	private final CircuitBreaker breaker;

	private volatile boolean failing;

	public InferenceClient(AssistantProperties.Inference properties, WebClient.Builder builder) {
		this.properties = properties;
		this.web = properties.configured() ? client(properties, builder) : null;
		this.breaker = CircuitBreaker.of("inference",
				CircuitBreakerConfig.custom()
					.failureRateThreshold(properties.failureRate())
					.slidingWindowSize(20)
					.minimumNumberOfCalls(5)
					.waitDurationInOpenState(properties.openFor())
					.permittedNumberOfCallsInHalfOpenState(1)
					.recordExceptions(InferenceUnavailableException.class)
					.build());
	}

	private static WebClient client(AssistantProperties.Inference properties, WebClient.Builder builder) {
		HttpClient http = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis());
		WebClient.Builder configured = builder.clone()
			.baseUrl(properties.url().toString())
			.clientConnector(new ReactorClientHttpConnector(http))
			.filter(RequestIds.propagate())
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024));
		if (properties.serviceToken() != null && !properties.serviceToken().isBlank()) {
			configured.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + properties.serviceToken());
		}
		return configured.build();
	}

	/**
	 * Whether a model server is configured; without one every answer is retrieval-only.
	 * @return true when one is
	 */
	public boolean configured() {
		return this.web != null;
	}

	/**
	 * The circuit's state, for health and metrics.
	 * @return {@code CLOSED}, {@code OPEN} or {@code HALF_OPEN}
	 */
	public String circuit() {
		return this.breaker.getState().name();
	}

	/**
	 * Streams a completion. Cancelling the returned stream closes the call, and the proxy
	 * stops the generation.
	 * @param completion what to ask
	 * @param tenant the caller's tenant, the proxy's fairness key
	 * @param priority the caller's priority band
	 * @return the chunks, tool calls joined
	 */
	public Flux<ModelChunk> stream(Completion completion, String tenant, Priority priority) {
		WebClient client = this.web;
		if (client == null) {
			return Flux.error(new InferenceUnavailableException("No model server is configured."));
		}
		ToolCallJoiner joiner = new ToolCallJoiner();
		Deadline deadline = new Deadline(this.properties.totalTimeout());
		return client.post()
			.uri("/v1/chat/completions")
			.header("x-tenant", tenant)
			.header("x-priority", priority.header())
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(body(completion))
			.retrieve()
			.bodyToFlux(EVENTS)
			.timeout(Mono.delay(this.properties.firstTokenTimeout()),
					(event) -> Mono.delay(deadline.next(this.properties.idleTimeout())))
			.takeWhile((event) -> !"[DONE]".equals(event.data()))
			.mapNotNull((event) -> chunk(event.data(), joiner))
			.onErrorMap(this::classified)
			.doOnComplete(this::recovered)
			.transformDeferred(CircuitBreakerOperator.of(this.breaker))
			.onErrorMap(CallNotPermittedException.class, (ex) -> new InferenceUnavailableException(
					"The model server failed repeatedly; it is given a rest before it is tried again.", ex));
	}

	/**
	 * Asks for a short completion and waits for all of it, e.g. a conversation's title.
	 * @param completion what to ask
	 * @param tenant the caller's tenant
	 * @param priority the priority band
	 * @return the text
	 */
	public Mono<String> text(Completion completion, String tenant, Priority priority) {
		return stream(completion, tenant, priority).map(ModelChunk::text).reduce("", String::concat);
	}

	/**
	 * The proxy's models, for {@code /v1/models}.
	 * @return the proxy's answer; empty when no model server is configured
	 */
	public Mono<JsonNode> models() {
		WebClient client = this.web;
		if (client == null) {
			return Mono.empty();
		}
		return client.get()
			.uri("/v1/models")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.timeout(this.properties.firstTokenTimeout())
			.onErrorMap(this::classified);
	}

	/**
	 * The web client, for the OpenAI API's pass-through of raw models.
	 * @return it; empty when no model server is configured
	 */
	public @Nullable WebClient web() {
		return this.web;
	}

	private ObjectNode body(Completion completion) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", completion.model());
		ArrayNode messages = body.putArray("messages");
		for (ModelMessage message : completion.messages()) {
			ObjectNode node = messages.addObject().put("role", message.role());
			if (message.content() != null) {
				node.put("content", message.content());
			}
			else {
				node.putNull("content");
			}
			if (!message.toolCalls().isEmpty()) {
				ArrayNode calls = node.putArray("tool_calls");
				for (ModelMessage.ToolCall call : message.toolCalls()) {
					calls.addObject()
						.put("id", call.id())
						.put("type", "function")
						.putObject("function")
						.put("name", call.name())
						.put("arguments", call.arguments());
				}
			}
			if (message.toolCallId() != null) {
				node.put("tool_call_id", message.toolCallId());
			}
		}
		body.put("stream", true);
		body.putObject("stream_options").put("include_usage", true);
		body.put("max_tokens", completion.maxTokens());
		body.put("temperature", completion.temperature());
		if (completion.tools() != null) {
			body.set("tools", completion.tools());
			body.put("tool_choice", "auto");
		}
		return body;
	}

	private @Nullable ModelChunk chunk(@Nullable String data, ToolCallJoiner joiner) {
		if (data == null || data.isBlank()) {
			return null;
		}
		JsonNode node = JSON.readTree(data);
		if (node.has("error")) {
			JsonNode error = node.path("error");
			throw new InferenceException(error.path("code").asInt(0),
					"The model server broke off the answer: " + error.path("message").asString("no reason given"));
		}
		ModelChunk.Usage usage = null;
		if (node.path("usage").isObject()) {
			JsonNode counts = node.path("usage");
			usage = new ModelChunk.Usage(counts.path("prompt_tokens").asInt(),
					counts.path("completion_tokens").asInt());
		}
		JsonNode choice = node.path("choices").path(0);
		String text = "";
		String finish = null;
		List<ModelMessage.ToolCall> calls = List.of();
		if (!choice.isMissingNode()) {
			JsonNode delta = choice.path("delta");
			text = delta.path("content").isString() ? delta.path("content").asString() : "";
			for (JsonNode call : delta.path("tool_calls")) {
				joiner.add(call);
			}
			if (choice.path("finish_reason").isString()) {
				finish = choice.path("finish_reason").asString();
				calls = joiner.joined();
			}
		}
		if (text.isEmpty() && finish == null && usage == null) {
			return null;
		}
		return new ModelChunk(text, calls, finish, usage);
	}

	private Throwable classified(Throwable ex) {
		if (ex instanceof InferenceException || ex instanceof InferenceUnavailableException) {
			return ex;
		}
		if (ex instanceof TimeoutException) {
			return unavailable("The model server sent nothing within its timeout.", ex);
		}
		if (ex instanceof WebClientRequestException) {
			return unavailable("The model server cannot be reached: " + ex.getMessage(), ex);
		}
		if (ex instanceof WebClientResponseException response) {
			int status = response.getStatusCode().value();
			if (status == 429 || status >= 500) {
				return unavailable("The model server answered " + status + ": " + errorMessage(response), ex);
			}
			return new InferenceException(status,
					"The model server refused the request (" + status + "): " + errorMessage(response));
		}
		return new InferenceException(0, "The model server's answer broke off: " + ex.getMessage());
	}

	private InferenceUnavailableException unavailable(String reason, Throwable ex) {
		if (!this.failing) {
			this.failing = true;
			logger.warn("{} Answers fall back to retrieval-only until it answers again.", reason);
		}
		else {
			logger.debug("{}", reason);
		}
		return new InferenceUnavailableException(reason, ex);
	}

	private void recovered() {
		if (this.failing) {
			this.failing = false;
			logger.info("The model server answers again.");
		}
	}

	private static String errorMessage(WebClientResponseException response) {
		try {
			JsonNode body = JSON.readTree(response.getResponseBodyAsString());
			String message = body.path("error").path("message").asString("");
			return message.isEmpty() ? response.getStatusText() : message;
		}
		catch (RuntimeException ex) {
			return response.getStatusText();
		}
	}

	/**
	 * A chat completion to ask for.
	 *
	 * @param model the model
	 * @param messages the prompt
	 * @param maxTokens the most tokens to generate
	 * @param temperature the sampling temperature
	 * @param tools the tools offered, as OpenAI's {@code tools} array, or {@code null}
	 */
	public record Completion(String model, List<ModelMessage> messages, int maxTokens, double temperature,
			@Nullable JsonNode tools) {
	}

	/**
	 * Joins the pieces of streamed tool calls by their index.
	 */
	private static final class ToolCallJoiner {

		private final Map<Integer, String[]> calls = new TreeMap<>();

		void add(JsonNode piece) {
			String[] call = this.calls.computeIfAbsent(piece.path("index").asInt(0),
					(index) -> new String[] { "", "", "" });
			if (piece.path("id").isString()) {
				call[0] = piece.path("id").asString();
			}
			JsonNode function = piece.path("function");
			if (function.path("name").isString()) {
				call[1] = call[1] + function.path("name").asString();
			}
			if (function.path("arguments").isString()) {
				call[2] = call[2] + function.path("arguments").asString();
			}
		}

		List<ModelMessage.ToolCall> joined() {
			List<ModelMessage.ToolCall> joined = new ArrayList<>();
			for (String[] call : this.calls.values()) {
				joined.add(new ModelMessage.ToolCall(call[0], call[1], call[2].isBlank() ? "{}" : call[2]));
			}
			this.calls.clear();
			return joined;
		}

	}

	/**
	 * The end of an answer's total time, which shortens the wait for the next chunk as it
	 * nears.
	 */
	private static final class Deadline {

		private final long endNanos;

		Deadline(Duration total) {
			this.endNanos = System.nanoTime() + total.toNanos();
		}

		Duration next(Duration idle) {
			long left = Math.max(0, this.endNanos - System.nanoTime());
			return (left < idle.toNanos()) ? Duration.ofNanos(left) : idle;
		}

	}

}
