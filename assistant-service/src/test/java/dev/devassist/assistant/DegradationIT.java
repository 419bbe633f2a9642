package dev.devassist.assistant;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.devassist.assistant.AssistantServiceIT.first;
import static dev.devassist.assistant.AssistantServiceIT.last;
import static dev.devassist.assistant.AssistantServiceIT.text;
import static dev.devassist.assistant.AssistantServiceIT.types;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Answers when a peer is missing: no model server configured, a model server that cannot
 * be reached, a rag-service that cannot be reached, and both at once. Each instance runs
 * against real peers with one of them pointed at a port where nothing listens.
 */
class DegradationIT {

	static TestPlatform platform;

	static String sourceId;

	@BeforeAll
	static void start() {
		platform = TestPlatform.get();
		AssistantServiceIT.platform = platform;
		AssistantServiceIT.rag = new Api(platform.ragUrl(), platform);
		sourceId = AssistantServiceIT.index("degraded", Map.of("src/SettingsParser.java", AssistantServiceIT.PARSER,
				"docs/operations.md", AssistantServiceIT.GUIDE));
	}

	@Test
	void whenNoModelServerIsConfiguredThenTheAnswerIsTheBestPassagesLabelledRetrievalOnly() {
		List<JsonNode> events = ask(Map.of("message", "How are the settings parsed?"),
				"--devassist.assistant.inference.url=");

		JsonNode notice = first(events, "notice");
		assertThat(notice.path("mode").asString()).isEqualTo("retrieval-only");
		assertThat(text(events)).startsWith("**Retrieval-only answer.**").contains("SettingsParser");
		assertThat(first(events, "citation").path("sourceId").asString()).isEqualTo(sourceId);
		JsonNode done = last(events);
		assertThat(done.path("status").asString()).isEqualTo("complete");
		assertThat(done.path("mode").asString()).isEqualTo("retrieval-only");
	}

	@Test
	void whenTheModelServerCannotBeReachedThenTheAnswerFallsBackToRetrievalOnly() {
		List<JsonNode> events = ask(Map.of("message", "How are the settings parsed?"),
				"--devassist.assistant.inference.url=http://127.0.0.1:" + TestPlatform.freePort());

		assertThat(first(events, "notice").path("reason").asString()).contains("model is unavailable");
		assertThat(types(events)).contains("citation");
		assertThat(last(events).path("mode").asString()).isEqualTo("retrieval-only");
		assertThat(last(events).path("status").asString()).isEqualTo("complete");
	}

	@Test
	void whenRagServiceIsDownThenTheModelAnswersWithoutEvidenceAndSaysSo() {
		// A question of its own: the same one would find its passages in the retrieval
		// cache.
		List<JsonNode> events = ask(Map.of("message", "How are settings parsed while the search is down?"),
				"--devassist.assistant.rag.url=http://127.0.0.1:" + TestPlatform.freePort());

		assertThat(first(events, "retrieval").path("unavailable").asString()).contains("rag-service");
		assertThat(first(events, "notice").path("mode").asString()).isEqualTo("no-evidence");
		assertThat(types(events)).contains("delta").doesNotContain("citation");
		assertThat(last(events).path("mode").asString()).isEqualTo("no-evidence");
		assertThat(last(events).path("status").asString()).isEqualTo("complete");
	}

	@Test
	void whenBothPeersAreDownThenTheAnswerSaysNeitherIsAvailable() {
		List<JsonNode> events = ask(Map.of("message", "How are settings parsed while everything is down?"),
				"--devassist.assistant.rag.url=http://127.0.0.1:" + TestPlatform.freePort(),
				"--devassist.assistant.inference.url=http://127.0.0.1:" + TestPlatform.freePort());

		assertThat(text(events)).contains("cannot be searched right now either");
		assertThat(last(events).path("mode").asString()).isEqualTo("retrieval-only");
		assertThat(last(events).path("status").asString()).isEqualTo("complete");
	}

	private static List<JsonNode> ask(Map<String, Object> body, String... arguments) {
		try (ConfigurableApplicationContext service = new SpringApplicationBuilder(AssistantServiceApplication.class)
			.run(platform.arguments(arguments))) {
			Api api = new Api("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"),
					platform);
			return api.chat("degraded", body);
		}
	}

}
