package dev.devassist.assistant.chat;

import java.util.Set;

import dev.devassist.assistant.Identity;
import dev.devassist.assistant.inference.Priority;
import dev.devassist.platform.web.ApiException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * The chat API over WebSocket at {@code /ws/chat}, with the same events as SSE. A client
 * sends JSON frames: {@code {"type":"chat", ...a chat request}}, {@code {"type":"stop",
 * "turnId":...}} or {@code {"type":"resume", "turnId":..., "after":n}}. A frame that
 * cannot be read is answered with an {@code error} event and the connection stays open.
 * The first event is {@code ready}: a client sends its frames after it.
 */
class ChatSocketHandler implements WebSocketHandler {

	/** The longest frame a client may send, in characters. */
	static final int MAX_FRAME = 256 * 1024;

	private static final Set<String> TYPES = Set.of("chat", "stop", "resume");

	private final ChatService chat;

	private final ChatStreams streams;

	private final JsonMapper json;

	ChatSocketHandler(ChatService chat, ChatStreams streams, JsonMapper json) {
		this.chat = chat;
		this.streams = streams;
		this.json = json;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		Mono<Identity> identity = session.getHandshakeInfo()
			.getPrincipal()
			.filter(JwtAuthenticationToken.class::isInstance)
			.map((principal) -> Identity.of((JwtAuthenticationToken) principal))
			.cache();
		Flux<ChatEvent> out = session.receive()
			.map(WebSocketMessage::getPayloadAsText)
			.flatMap((frame) -> identity.flatMapMany((caller) -> answer(caller, frame)), 8);
		// "ready" goes out once this side listens: a frame a client sends before it can
		// be
		// lost while the connection is still being upgraded (here, or at a gateway
		// between).
		ChatEvent ready = ChatEvent.of(0, "ready",
				ChatEvent.fields().put("detail", "Send chat, stop or resume frames from now on."));
		return session.send(Flux.concat(Mono.just(ready), out).map((event) -> session.textMessage(event.json())));
	}

	private Flux<ChatEvent> answer(Identity identity, String frame) {
		try {
			if (!identity.caller().hasScope("chat")) {
				throw new ApiException(HttpStatus.FORBIDDEN, "forbidden",
						"This token lacks the 'chat' scope this route needs.", null);
			}
			JsonNode message = read(frame);
			String type = message.path("type").asString("");
			return switch (type) {
				case "chat" -> {
					ChatRequest request = request(message);
					yield this.chat.start(identity, request, Priority.INTERACTIVE)
						.flatMapMany((turn) -> this.streams.events(turn, 0))
						.onErrorResume(ApiException.class, (ex) -> Flux.just(refusal(ex.type(), ex.getMessage())));
				}
				case "stop" -> {
					ChatTurn turn = this.chat.turn(identity, message.path("turnId").asString(""));
					boolean stopped = turn.stop("stopped");
					yield stopped ? Flux.empty()
							: Flux.just(refusal("conflict", "Chat turn " + turn.id() + " has already ended."));
				}
				default -> {
					ChatTurn turn = this.chat.turn(identity, message.path("turnId").asString(""));
					long after = message.path("after").asLong(0);
					yield this.streams.events(turn, Math.max(0, after));
				}
			};
		}
		catch (ApiException ex) {
			return Flux.just(refusal(ex.type(), ex.getMessage()));
		}
	}

	private JsonNode read(String frame) {
		if (frame.length() > MAX_FRAME) {
			throw ApiException.invalid("frame", "A frame may have at most " + MAX_FRAME + " characters.");
		}
		JsonNode message;
		try {
			message = this.json.readTree(frame);
		}
		catch (JacksonException ex) {
			throw ApiException.invalid("frame", "The frame is not JSON: " + ex.getOriginalMessage());
		}
		if (!message.isObject() || !TYPES.contains(message.path("type").asString(""))) {
			throw ApiException.invalid("type", "A frame must be a JSON object whose 'type' is chat, stop or resume.");
		}
		return message;
	}

	private ChatRequest request(JsonNode message) {
		ObjectNode fields = ((ObjectNode) message).deepCopy();
		fields.remove("type");
		try {
			return this.json.treeToValue(fields, ChatRequest.class);
		}
		catch (JacksonException ex) {
			throw ApiException.invalid("frame",
					"The chat frame does not fit a chat request: " + ex.getOriginalMessage());
		}
	}

	private static ChatEvent refusal(String code, String detail) {
		return ChatEvent.of(0, "error", ChatEvent.fields().put("code", code).put("detail", detail));
	}

}
