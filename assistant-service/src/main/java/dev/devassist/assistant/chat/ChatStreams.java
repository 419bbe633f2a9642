package dev.devassist.assistant.chat;

import java.time.Duration;

import reactor.core.publisher.Flux;

/**
 * A turn's events as one client receives them, over SSE or WebSocket alike: a gap notice
 * when some it missed are no longer kept, the kept and live events, and a heartbeat while
 * nothing else comes.
 */
class ChatStreams {

	private final Duration heartbeat;

	ChatStreams(Duration heartbeat) {
		this.heartbeat = heartbeat;
	}

	Flux<ChatEvent> events(ChatTurn turn, long after) {
		Flux<ChatEvent> gap = Flux.empty();
		long firstKept = turn.firstKeptSeq();
		if (after + 1 < firstKept) {
			gap = Flux.just(ChatEvent.of(after, "error",
					ChatEvent.fields()
						.put("code", "resume-gap")
						.put("detail", "Events " + (after + 1) + " to " + (firstKept - 1)
								+ " are no longer kept; the conversation holds the answer once it ends.")));
		}
		Flux<ChatEvent> heartbeats = Flux.interval(this.heartbeat, this.heartbeat)
			.map((tick) -> ChatEvent.of(turn.lastSeq(), "heartbeat", ChatEvent.fields()));
		return gap.concatWith(turn.events(after).mergeWith(heartbeats).takeUntil(ChatEvent::last));
	}

}
