package dev.devassist.assistant.chat;

import java.time.Duration;
import java.util.Map;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.assistant.RedisCache;
import dev.devassist.assistant.agent.AgentTools;
import dev.devassist.assistant.conversation.ConversationRepository;
import dev.devassist.assistant.grounding.PromptBuilder;
import dev.devassist.assistant.grounding.RagClient;
import dev.devassist.assistant.inference.InferenceClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/**
 * Chat turns: the service that answers them, their streams over SSE and WebSocket, and
 * their end at shutdown.
 */
@Configuration(proxyBeanMethods = false)
class ChatConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ChatConfiguration.class);

	@Bean
	ChatTurns chatTurns(AssistantProperties properties, MeterRegistry registry) {
		return new ChatTurns(properties.chat(), registry);
	}

	@Bean
	ChatStreams chatStreams(AssistantProperties properties) {
		return new ChatStreams(properties.chat().heartbeat());
	}

	@Bean
	ChatService chatService(ConversationRepository conversations, RagClient rag, InferenceClient inference,
			PromptBuilder prompts, AgentTools tools, RedisCache cache, AssistantProperties properties, ChatTurns turns,
			MeterRegistry registry) {
		return new ChatService(conversations, rag, inference, prompts, tools, cache, properties, turns, registry);
	}

	@Bean
	HandlerMapping chatSocketMapping(ChatService chat, ChatStreams streams, JsonMapper json) {
		return new SimpleUrlHandlerMapping(Map.of("/ws/chat", new ChatSocketHandler(chat, streams, json)), -1);
	}

	@Bean
	StaleAnswers staleAnswers(ConversationRepository conversations, AssistantProperties properties) {
		return new StaleAnswers(conversations, properties.chat().staleAfter());
	}

	/**
	 * Ends the turns still generating at shutdown. It stops after the web server's
	 * graceful shutdown has let in-flight streams drain, and before the database goes, so
	 * each cut-short answer is saved as interrupted.
	 */
	@Bean
	SmartLifecycle chatTurnsShutdown(ChatTurns turns) {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				this.running = true;
			}

			@Override
			public void stop() {
				this.running = false;
				int active = turns.active();
				if (active == 0) {
					return;
				}
				logger.info("Stopping {} chat turns still generating; their answers are kept as interrupted.", active);
				turns.stopAll();
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (turns.active() > 0 && System.nanoTime() < deadline) {
					Thread.onSpinWait();
					try {
						Thread.sleep(20);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

			@Override
			public int getPhase() {
				// Below the web server's graceful shutdown (DEFAULT_PHASE - 1024), above
				// its
				// stop (DEFAULT_PHASE - 2048).
				return SmartLifecycle.DEFAULT_PHASE - 1536;
			}

		};
	}

	/**
	 * Marks answers left {@code streaming} by an instance that died as interrupted.
	 */
	static final class StaleAnswers {

		private final ConversationRepository conversations;

		private final Duration silentFor;

		private final long everyNanos;

		private long lastSweep;

		StaleAnswers(ConversationRepository conversations, Duration silentFor) {
			this.conversations = conversations;
			this.silentFor = silentFor;
			this.everyNanos = Math.min(Duration.ofMinutes(1).toNanos(), silentFor.toNanos() / 2);
		}

		@Scheduled(initialDelay = 1_000, fixedDelay = 1_000)
		void sweep() {
			if (this.lastSweep != 0 && System.nanoTime() - this.lastSweep < this.everyNanos) {
				return;
			}
			this.lastSweep = System.nanoTime();
			try {
				int marked = this.conversations.interruptStale(this.silentFor);
				if (marked > 0) {
					logger.info("Marked {} answers left streaming by a stopped instance as interrupted.", marked);
				}
			}
			catch (RuntimeException ex) {
				logger.warn("Cannot sweep answers left streaming; trying again in a minute: {}", ex.getMessage());
			}
		}

	}

}
