package dev.devassist.assistant;

import dev.devassist.assistant.agent.AgentTools;
import dev.devassist.assistant.conversation.ConversationRepository;
import dev.devassist.assistant.grounding.PromptBuilder;
import dev.devassist.assistant.grounding.RagClient;
import dev.devassist.assistant.inference.InferenceClient;
import dev.devassist.assistant.usage.UsageRepository;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;

import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

import org.springframework.ai.tokenizer.JTokkitTokenCountEstimator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The parts every feature of assistant-service shares: the clients of its peers, the
 * caches, the prompt builder and the conversations' repository.
 */
@Configuration(proxyBeanMethods = false)
class AssistantConfiguration {

	/**
	 * Reads request bodies strictly: a number or a boolean where text is expected is a
	 * client's mistake to report, not a value to convert.
	 */
	@Bean
	JsonMapperBuilderCustomizer strictText() {
		return (builder) -> builder.withCoercionConfig(LogicalType.Textual,
				(text) -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
	}

	@Bean(destroyMethod = "shutdown")
	RedisClient assistantRedis(AssistantProperties properties) {
		RedisClient client = RedisClient.create();
		// A cache must never hold a request up: commands fail at once while Redis is
		// away,
		// and the queue of commands in flight is bounded.
		client.setOptions(ClientOptions.builder()
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.requestQueueSize(10_000)
			.socketOptions(SocketOptions.builder().connectTimeout(properties.redis().timeout()).build())
			.timeoutOptions(TimeoutOptions.enabled(properties.redis().timeout()))
			.build());
		return client;
	}

	@Bean(destroyMethod = "close")
	RedisCache redisCache(RedisClient assistantRedis, AssistantProperties properties) {
		RedisURI uri = RedisURI.create(properties.redis().url());
		uri.setTimeout(properties.redis().timeout());
		return new RedisCache(assistantRedis, uri, properties.redis().timeout());
	}

	@Bean
	RagClient ragClient(WebClient.Builder builder, AssistantProperties properties, RedisCache cache) {
		return new RagClient(builder, properties.rag(), cache, properties.cache().retrieval());
	}

	@Bean
	InferenceClient inferenceClient(AssistantProperties properties, WebClient.Builder builder) {
		return new InferenceClient(properties.inference(), builder);
	}

	@Bean
	PromptBuilder promptBuilder(AssistantProperties properties) {
		return new PromptBuilder(new JTokkitTokenCountEstimator(), properties.inference().contextWindow(),
				properties.inference().maxAnswerTokens());
	}

	@Bean
	AgentTools agentTools(RagClient rag, AssistantProperties properties) {
		return new AgentTools(rag, properties.agent());
	}

	@Bean
	ConversationRepository conversationRepository(JdbcClient jdbc, TransactionTemplate transactions) {
		return new ConversationRepository(jdbc, transactions);
	}

	@Bean
	UsageRepository usageRepository(JdbcClient jdbc) {
		return new UsageRepository(jdbc);
	}

	/**
	 * The model server's circuit, for operators; an open circuit means retrieval-only
	 * answers, not an unhealthy service, so it stays out of liveness and readiness.
	 */
	@Bean
	HealthIndicator inferenceHealthIndicator(InferenceClient inference) {
		return () -> Health.up()
			.withDetail("configured", inference.configured())
			.withDetail("circuit", inference.circuit())
			.build();
	}

}
