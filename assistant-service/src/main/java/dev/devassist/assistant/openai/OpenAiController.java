package dev.devassist.assistant.openai;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.assistant.Identity;
import dev.devassist.assistant.chat.ChatEvent;
import dev.devassist.assistant.chat.ChatRequest;
import dev.devassist.assistant.chat.ChatService;
import dev.devassist.assistant.inference.InferenceClient;
import dev.devassist.assistant.inference.ModelMessage;
import dev.devassist.assistant.inference.Priority;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebInputException;

/**
 * The OpenAI-compatible API for IDE plugins. Model {@code devassist} answers grounded in
 * the caller's sources, {@code devassist-agent} with the agent's tools too; any other
 * model passes through to the inference proxy unchanged. Grounded answers end with their
 * sources as text, which every plugin shows, and as a {@code citations} field for those
 * that read it. Errors take OpenAI's shape.
 */
@RestController
@RequestMapping("/v1")
class OpenAiController {

	private static final Logger logger = LoggerFactory.getLogger(OpenAiController.class);

	static final String GROUNDED = "devassist";

	static final String AGENT = "devassist-agent";

	private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool", "developer");

	private static final int MAX_MESSAGES = 500;

	private final ChatService chat;

	private final InferenceClient inference;

	private final AssistantProperties properties;

	private final JsonMapper json;

	OpenAiController(ChatService chat, InferenceClient inference, AssistantProperties properties, JsonMapper json) {
		this.chat = chat;
		this.inference = inference;
		this.properties = properties;
		this.json = json;
	}

	@GetMapping("/models")
	Mono<ObjectNode> models() {
		return Identity.requiring("chat").flatMap((identity) -> {
			ObjectNode list = this.json.createObjectNode().put("object", "list");
			ArrayNode data = list.putArray("data");
			long created = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
			for (String id : List.of(GROUNDED, AGENT)) {
				data.addObject()
					.put("id", id)
					.put("object", "model")
					.put("created", created)
					.put("owned_by", "devassist");
			}
			return this.inference.models().map((proxy) -> {
				for (JsonNode model : proxy.path("data")) {
					data.add(model);
				}
				return list;
			}).onErrorResume((ex) -> {
				logger.debug("The proxy's models cannot be listed; only DevAssist's are: {}", ex.getMessage());
				return Mono.just(list);
			}).defaultIfEmpty(list);
		});
	}

	@PostMapping(path = "/chat/completions")
	Mono<ResponseEntity<Flux<DataBuffer>>> chatCompletions(@RequestBody JsonNode body) {
		if (!body.isObject()) {
			throw invalid(null, "The body must be a JSON object.");
		}
		String model = body.path("model").asString("");
		if (model.isBlank()) {
			throw invalid("model", "Field 'model' is required.");
		}
		if (!model.equals(GROUNDED) && !model.equals(AGENT)) {
			return Identity.requiring("chat")
				.flatMap((identity) -> passThrough("/v1/chat/completions", body, identity));
		}
		Conversation conversation = conversation(body.path("messages"));
		boolean stream = body.path("stream").asBoolean(false);
		boolean usage = body.path("stream_options").path("include_usage").asBoolean(false);
		Double temperature = body.path("temperature").isNumber() ? body.path("temperature").asDouble() : null;
		// TODO(#5): an IDE sends its whole history each time, so each call starts a
		// conversation of
		// its own; keep one per IDE session (the request's 'user') instead.
		ChatRequest request = new ChatRequest(null, conversation.question(), null, null, null,
				model.equals(AGENT) ? "agent" : "grounded", null, temperature);
		String id = "chatcmpl-" + Long.toHexString(System.nanoTime());
		long created = Instant.now().getEpochSecond();
		return Identity.requiring("chat").map((identity) -> {
			Flux<ChatEvent> events = this.chat.ask(identity, request, Priority.IDE, conversation.history());
			if (stream) {
				Flux<String> chunks = new CompletionStream(this.json, id, created, model, usage).chunks(events);
				return ResponseEntity.ok()
					.contentType(MediaType.TEXT_EVENT_STREAM)
					.header(HttpHeaders.CACHE_CONTROL, "no-cache")
					.body(chunks.map((chunk) -> bytes("data: " + chunk + "\n\n")));
			}
			return ResponseEntity.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.body(events.collectList()
					.map((all) -> bytes(
							this.json.writeValueAsString(CompletionStream.whole(this.json, id, created, model, all))))
					.flux());
		});
	}

	@PostMapping(path = "/completions")
	Mono<ResponseEntity<Flux<DataBuffer>>> completions(@RequestBody JsonNode body) {
		if (!body.isObject() || body.path("model").asString("").isBlank()) {
			throw invalid("model", "The body must be a JSON object with a 'model'.");
		}
		if (body.path("model").asString().equals(GROUNDED) || body.path("model").asString().equals(AGENT)) {
			throw invalid("model", "Model '" + body.path("model").asString()
					+ "' answers chat completions only; use a model of /v1/models for completions.");
		}
		return Identity.requiring("chat").flatMap((identity) -> passThrough("/v1/completions", body, identity));
	}

	private Mono<ResponseEntity<Flux<DataBuffer>>> passThrough(String path, JsonNode body, Identity identity) {
		WebClient web = this.inference.web();
		if (web == null) {
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "no-model-server",
					"No model server is configured; only models devassist and devassist-agent answer.", "model");
		}
		return web.post()
			.uri(path)
			.header("x-tenant", identity.tenant())
			.header("x-priority", Priority.IDE.header())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.onStatus((status) -> true, (response) -> Mono.empty())
			.toEntityFlux(DataBuffer.class)
			.map((entity) -> {
				ResponseEntity.BodyBuilder answer = ResponseEntity.status(entity.getStatusCode());
				MediaType type = entity.getHeaders().getContentType();
				if (type != null) {
					answer.contentType(type);
				}
				return answer.body(entity.getBody());
			})
			.timeout(this.properties.inference().firstTokenTimeout())
			.onErrorMap((ex) -> !(ex instanceof ApiException), (ex) -> new ApiException(HttpStatus.BAD_GATEWAY,
					"model-server", "The model server cannot be reached: " + ex.getMessage(), null));
	}

	private static DataBuffer bytes(String text) {
		return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private Conversation conversation(JsonNode messages) {
		if (!messages.isArray() || messages.isEmpty()) {
			throw invalid("messages", "Field 'messages' must be a non-empty array.");
		}
		if (messages.size() > MAX_MESSAGES) {
			throw invalid("messages", "Field 'messages' may hold at most " + MAX_MESSAGES + " messages.");
		}
		List<ModelMessage> history = new ArrayList<>();
		String system = null;
		for (int i = 0; i < messages.size(); i++) {
			JsonNode message = messages.get(i);
			String role = message.path("role").asString("");
			if (!ROLES.contains(role)) {
				throw invalid("messages[" + i + "].role", "messages[" + i + "].role must be one of " + ROLES + ".");
			}
			String content = content(message.path("content"), i);
			if (role.equals("user")) {
				history.add(ModelMessage.user(content));
			}
			else if (role.equals("assistant") && !content.isEmpty()) {
				history.add(ModelMessage.assistant(content));
			}
			else if (role.equals("system") || role.equals("developer")) {
				system = content;
			}
		}
		if (history.isEmpty() || !messages.get(messages.size() - 1).path("role").asString().equals("user")) {
			throw invalid("messages", "The last message must be the user's.");
		}
		String question = history.removeLast().content();
		if (system != null && !system.isBlank()) {
			// The plugin's own instructions ride with the question, below ours.
			question = "(The IDE adds: " + system.strip() + ")\n\n" + question;
		}
		return new Conversation(question, List.copyOf(history));
	}

	private static String content(JsonNode content, int index) {
		if (content.isString()) {
			return content.asString();
		}
		if (content.isNull() || content.isMissingNode()) {
			return "";
		}
		if (content.isArray()) {
			StringBuilder text = new StringBuilder();
			for (JsonNode part : content) {
				if (part.path("type").asString("").equals("text")) {
					text.append(part.path("text").asString(""));
				}
			}
			return text.toString();
		}
		throw invalid("messages[" + index + "].content",
				"messages[" + index + "].content must be a string or an array of text parts.");
	}

	private static ApiException invalid(@Nullable String field, String detail) {
		return new ApiException(HttpStatus.BAD_REQUEST, "invalid-request", detail, field);
	}

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ObjectNode> refused(ApiException ex) {
		return error(ex.status(), ex.type(), ex.getMessage(), ex.field());
	}

	@ExceptionHandler(ServerWebInputException.class)
	ResponseEntity<ObjectNode> unreadable(ServerWebInputException ex) {
		return error(HttpStatus.BAD_REQUEST, "invalid-request", "The body is not valid JSON.", null);
	}

	private ResponseEntity<ObjectNode> error(HttpStatus status, String code, String message, @Nullable String param) {
		ObjectNode body = this.json.createObjectNode();
		ObjectNode error = body.putObject("error")
			.put("message", message)
			.put("type", status.is4xxClientError() ? "invalid_request_error" : "api_error")
			.put("code", code);
		if (param != null) {
			error.put("param", param);
		}
		else {
			error.putNull("param");
		}
		return ResponseEntity.status(status)
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.body(body);
	}

	/**
	 * A chat completion request read as a conversation.
	 *
	 * @param question the last user message
	 * @param history the messages before it
	 */
	private record Conversation(String question, List<ModelMessage> history) {
	}

}
