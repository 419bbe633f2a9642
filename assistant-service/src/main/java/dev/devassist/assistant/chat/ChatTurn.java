package dev.devassist.assistant.chat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat turn while it generates and for a while after: its events, kept so a client that
 * lost its connection can resume, and its stop switch. Generation runs on its own,
 * whether or not a client listens.
 */
final class ChatTurn {

	private final String id;

	private final String tenant;

	private final String owner;

	private final String conversationId;

	private final String messageId;

	private final Sinks.Many<ChatEvent> events;

	private final Sinks.Empty<Void> stop = Sinks.empty();

	private final AtomicBoolean stopped = new AtomicBoolean();

	private final AtomicInteger listeners = new AtomicInteger();

	private final int maxEvents;

	private long seq;

	private volatile long endedAt;

	private volatile long unheardSince = System.nanoTime();

	private volatile String stopStatus = "stopped";

	ChatTurn(String id, String tenant, String owner, String conversationId, String messageId, int maxEvents) {
		this.id = id;
		this.tenant = tenant;
		this.owner = owner;
		this.conversationId = conversationId;
		this.messageId = messageId;
		this.maxEvents = maxEvents;
		this.events = Sinks.many().replay().limit(maxEvents);
	}

	String id() {
		return this.id;
	}

	String tenant() {
		return this.tenant;
	}

	String owner() {
		return this.owner;
	}

	String conversationId() {
		return this.conversationId;
	}

	String messageId() {
		return this.messageId;
	}

	/**
	 * Adds an event; a {@code done} event ends the stream.
	 * @param type the event's type
	 * @param fields its fields
	 */
	synchronized void emit(String type, ObjectNode fields) {
		if (this.endedAt != 0) {
			return;
		}
		ChatEvent event = ChatEvent.of(++this.seq, type, fields);
		this.events.emitNext(event, Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
		if (event.last()) {
			this.endedAt = System.nanoTime();
			this.events.tryEmitComplete();
		}
	}

	synchronized long lastSeq() {
		return this.seq;
	}

	/**
	 * The turn's events after one a client already has.
	 * @param after the last seq the client received, 0 for all
	 * @return the events kept after it, then live ones until {@code done}
	 */
	Flux<ChatEvent> events(long after) {
		return this.events.asFlux()
			.filter((event) -> event.seq() > after)
			.doOnSubscribe((subscription) -> this.listeners.incrementAndGet())
			.doFinally((signal) -> {
				if (this.listeners.decrementAndGet() == 0) {
					this.unheardSince = System.nanoTime();
				}
			});
	}

	/**
	 * The seq of the oldest event still kept, to tell a client whether it can resume
	 * without a gap.
	 * @return it
	 */
	synchronized long firstKeptSeq() {
		return Math.max(1, this.seq - this.maxEvents + 1);
	}

	/**
	 * Asks generation to stop; the answer so far is kept.
	 * @param status what the answer is saved as: {@code stopped} when its user asked,
	 * {@code interrupted} when nobody listened any more
	 * @return false when it had already stopped or ended
	 */
	boolean stop(String status) {
		if (ended() || !this.stopped.compareAndSet(false, true)) {
			return false;
		}
		this.stopStatus = status;
		this.stop.tryEmitEmpty();
		return true;
	}

	/**
	 * Completes when stop is asked for.
	 * @return the signal
	 */
	Mono<Void> stopSignal() {
		return this.stop.asMono();
	}

	boolean stopRequested() {
		return this.stopped.get();
	}

	String stopStatus() {
		return this.stopStatus;
	}

	boolean ended() {
		return this.endedAt != 0;
	}

	long endedAt() {
		return this.endedAt;
	}

	/**
	 * How long the turn has generated with nobody listening.
	 * @return nanoseconds, 0 while someone listens
	 */
	long unheardNanos() {
		return (this.listeners.get() > 0) ? 0 : System.nanoTime() - this.unheardSince;
	}

}
