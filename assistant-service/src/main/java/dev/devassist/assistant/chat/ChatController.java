package dev.devassist.assistant.chat;

import dev.devassist.assistant.Identity;
import dev.devassist.assistant.inference.Priority;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The chat API over SSE: ask, follow a turn again after a dropped connection, stop it.
 */
@RestController
@RequestMapping("/api/chat")
class ChatController {

	private final ChatService chat;

	private final ChatStreams streams;

	ChatController(ChatService chat, ChatStreams streams) {
		this.chat = chat;
		this.streams = streams;
	}

	@PostMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> ask(@RequestBody @Nullable ChatRequest request) {
		if (request == null) {
			throw ApiException.invalid("message", "The body must be a JSON object with a 'message'.");
		}
		return Identity.requiring("chat")
			.flatMap((identity) -> this.chat.start(identity, request, Priority.INTERACTIVE))
			.flatMapMany((turn) -> this.streams.events(turn, 0))
			.map(ChatController::sse);
	}

	@GetMapping(path = "/{turnId}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<String>> resume(@PathVariable String turnId,
			@RequestParam(required = false) @Nullable Long after,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
		long from = (after != null) ? after : lastSeq(lastEventId);
		if (from < 0) {
			throw ApiException.invalid("after", "Parameter 'after' must be the seq of an event already received.");
		}
		return Identity.requiring("chat")
			.map((identity) -> this.chat.turn(identity, turnId))
			.flatMapMany((turn) -> this.streams.events(turn, from))
			.map(ChatController::sse);
	}

	@PostMapping("/{turnId}/stop")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<Stopped> stop(@PathVariable String turnId) {
		return Identity.requiring("chat").map((identity) -> {
			ChatTurn turn = this.chat.turn(identity, turnId);
			if (!turn.stop("stopped")) {
				throw ApiException.conflict("Chat turn " + turnId + " has already ended or is stopping.");
			}
			return new Stopped(turnId, turn.messageId());
		});
	}

	private static long lastSeq(@Nullable String lastEventId) {
		if (lastEventId == null || lastEventId.isBlank()) {
			return 0;
		}
		try {
			return Long.parseLong(lastEventId.strip());
		}
		catch (NumberFormatException ex) {
			throw ApiException.invalid("Last-Event-ID", "Header 'Last-Event-ID' must be the id of an event received.");
		}
	}

	private static ServerSentEvent<String> sse(ChatEvent event) {
		ServerSentEvent.Builder<String> builder = ServerSentEvent.builder(event.json()).event(event.type());
		if (!event.type().equals("heartbeat")) {
			builder.id(String.valueOf(event.seq()));
		}
		return builder.build();
	}

	/**
	 * A stop that was asked for.
	 *
	 * @param turnId the turn
	 * @param messageId its answer, saved as {@code stopped} with its text so far
	 */
	record Stopped(String turnId, String messageId) {
	}

}
