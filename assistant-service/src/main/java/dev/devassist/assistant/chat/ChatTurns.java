package dev.devassist.assistant.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.platform.web.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The turns this instance generates, and those that ended within the resume window. The
 * number generating at once is bounded; a turn nobody listens to any more is stopped
 * after a while and its answer marked interrupted.
 */
class ChatTurns {

	private static final Logger logger = LoggerFactory.getLogger(ChatTurns.class);

	private final Map<String, ChatTurn> turns = new ConcurrentHashMap<>();

	private final AssistantProperties.Chat properties;

	ChatTurns(AssistantProperties.Chat properties, MeterRegistry registry) {
		this.properties = properties;
		Gauge.builder("assistant.turns.active", this, ChatTurns::active)
			.description("Chat turns generating on this instance")
			.register(registry);
		Gauge.builder("assistant.turns.kept", this.turns, Map::size)
			.description("Chat turns kept for resuming, generating or ended")
			.register(registry);
	}

	/**
	 * Takes a new turn in, unless this instance already generates as many as it may.
	 * @param turn the turn
	 * @throws ApiException 503 when it is full
	 */
	void add(ChatTurn turn) {
		checkRoom();
		this.turns.put(turn.id(), turn);
	}

	/**
	 * Refuses a new turn before anything of it is written, when this instance already
	 * generates as many as it may.
	 * @throws ApiException 503 when it is full
	 */
	void checkRoom() {
		if (active() >= this.properties.maxActiveTurns()) {
			throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "busy",
					"This instance is answering as many questions as it may; try again in a few seconds.", null);
		}
	}

	/**
	 * Finds one of a caller's turns.
	 * @param tenant the caller's tenant
	 * @param owner the caller
	 * @param id the turn
	 * @return it, if it is the caller's and still kept
	 */
	Optional<ChatTurn> find(String tenant, String owner, String id) {
		ChatTurn turn = this.turns.get(id);
		if (turn == null || !turn.tenant().equals(tenant) || !turn.owner().equals(owner)) {
			return Optional.empty();
		}
		return Optional.of(turn);
	}

	int active() {
		int active = 0;
		for (ChatTurn turn : this.turns.values()) {
			if (!turn.ended()) {
				active++;
			}
		}
		return active;
	}

	/**
	 * Forgets ended turns past the resume window, or beyond the most that may be kept,
	 * and stops turns nobody has listened to for too long.
	 */
	@Scheduled(fixedDelay = 1000)
	void sweep() {
		long now = System.nanoTime();
		long keep = this.properties.resumeWindow().toNanos();
		long abandon = this.properties.abandonAfter().toNanos();
		List<ChatTurn> ended = new ArrayList<>();
		for (ChatTurn turn : this.turns.values()) {
			if (turn.ended()) {
				if (now - turn.endedAt() > keep) {
					this.turns.remove(turn.id());
				}
				else {
					ended.add(turn);
				}
			}
			else if (turn.unheardNanos() > abandon && turn.stop("interrupted")) {
				logger.info("Chat turn {} had no listener for {}; it stops and its answer is kept as interrupted.",
						turn.id(), Duration.ofNanos(abandon));
			}
		}
		int over = ended.size() - this.properties.maxKeptTurns();
		if (over > 0) {
			ended.sort(Comparator.comparingLong(ChatTurn::endedAt));
			for (ChatTurn turn : ended.subList(0, over)) {
				this.turns.remove(turn.id());
			}
		}
	}

	/**
	 * Stops every turn still generating, at shutdown, once in-flight streams had their
	 * time to drain.
	 */
	void stopAll() {
		for (ChatTurn turn : this.turns.values()) {
			turn.stop("interrupted");
		}
	}

}
