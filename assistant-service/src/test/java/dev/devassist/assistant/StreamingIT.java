package dev.devassist.assistant;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.devassist.assistant.AssistantServiceIT.last;
import static dev.devassist.assistant.AssistantServiceIT.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The life of a stream beyond the happy path: heartbeats while it is quiet, a turn nobody
 * listens to any more, a resume that asks for events no longer kept, and an instance
 * killed mid-answer whose conversation stays consistent.
 */
class StreamingIT {

	private static final Path JAR = Path.of("target", "assistant-service.jar");

	static TestPlatform platform;

	static ConfigurableApplicationContext service;

	static Api api;

	@BeforeAll
	static void start() {
		platform = TestPlatform.get();
		service = new SpringApplicationBuilder(AssistantServiceApplication.class)
			.run(platform.arguments("--devassist.assistant.chat.heartbeat=100ms",
					"--devassist.assistant.chat.abandon-after=1s", "--devassist.assistant.chat.max-buffered-events=16",
					"--devassist.assistant.chat.stale-after=2s", "--devassist.assistant.chat.save-every=100ms"));
		api = new Api("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"), platform);
	}

	@AfterAll
	static void stop() {
		service.close();
	}

	@Test
	void whenTheStreamIsQuietThenHeartbeatsKeepItAlive() {
		List<String> types = new ArrayList<>();
		try (Api.Events events = api.stream("streams", "POST", "/api/chat",
				Map.of("message", "Tell me a long story"))) {
			JsonNode event;
			while ((event = events.nextAny()) != null && !event.path("type").asString().equals("done")) {
				types.add(event.path("type").asString());
			}
		}

		assertThat(types).contains("heartbeat", "delta");
	}

	@Test
	void whenNobodyListensAnyMoreThenTheTurnStopsAndItsAnswerIsKeptAsInterrupted() {
		JsonNode start;
		try (Api.Events events = api.stream("streams", "POST", "/api/chat",
				Map.of("message", "Tell me a long story"))) {
			start = events.next();
			events.next();
		}
		String conversation = start.path("conversationId").asString();

		await().atMost(Duration.ofSeconds(20))
			.until(() -> answer(api, conversation).path("status").asString(), "interrupted"::equals);
		assertThat(answer(api, conversation).path("content").asString()).isNotEmpty();
	}

	@Test
	void whenAResumeAsksForEventsNoLongerKeptThenItIsToldOfTheGapAndGetsTheRest() {
		List<JsonNode> all = api.chat("streams", Map.of("message", "Tell me a long story"));
		String turn = all.getFirst().path("turnId").asString();

		List<JsonNode> resumed;
		try (Api.Events events = api.stream("streams", "GET", "/api/chat/" + turn + "/events?after=1", null)) {
			resumed = events.untilDone();
		}

		assertThat(resumed.getFirst().path("type").asString()).isEqualTo("error");
		assertThat(resumed.getFirst().path("code").asString()).isEqualTo("resume-gap");
		assertThat(last(resumed).path("type").asString()).isEqualTo("done");
		assertThat(resumed).hasSizeLessThanOrEqualTo(17);
		assertThat(all.size()).isGreaterThan(17);
	}

	@Test
	void whenTheInstanceIsKilledMidAnswerThenTheAnswerSoFarIsKeptAsInterrupted() throws Exception {
		int port = TestPlatform.freePort();
		Process doomed = startJar(port);
		Api direct = new Api("http://127.0.0.1:" + port, platform);
		String conversation;
		try (Api.Events events = direct.stream("crash", "POST", "/api/chat",
				Map.of("message", "Tell me a long story"))) {
			conversation = events.next().path("conversationId").asString();
			for (int i = 0; i < 40; i++) {
				events.next();
			}
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !answer(api, "crash", conversation).path("content").asString().isEmpty());
			doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		JsonNode user = Api.json(api.get("crash", "/api/conversations/" + conversation)).path("messages").path(0);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> answer(api, "crash", conversation).path("status").asString(), "interrupted"::equals);
		JsonNode answer = answer(api, "crash", conversation);
		assertThat(user.path("content").asString()).isEqualTo("Tell me a long story");
		assertThat(answer.path("content").asString()).startsWith("The queue drains");
		assertThat(answer.path("error").asString()).contains("cut short");
		assertThat(types(api.chat("crash", Map.of("conversationId", conversation, "message", "Go on"))))
			.endsWith("done");
	}

	@Test
	void whenTheServiceIsToldToStopMidAnswerThenTheStreamDrainsToItsEnd() throws Exception {
		int port = TestPlatform.freePort();
		Process draining = startJar(port);
		Api direct = new Api("http://127.0.0.1:" + port, platform);
		List<JsonNode> rest;
		String conversation;
		try (Api.Events events = direct.stream("drain", "POST", "/api/chat",
				Map.of("message", "Tell me a long story"))) {
			conversation = events.next().path("conversationId").asString();
			events.next();
			draining.destroy();
			rest = events.untilDone();
		}
		boolean exited = draining.waitFor(40, TimeUnit.SECONDS);

		assertThat(last(rest).path("type").asString()).isEqualTo("done");
		assertThat(last(rest).path("status").asString()).isEqualTo("complete");
		assertThat(exited).isTrue();
		assertThat(answer(api, "drain", conversation).path("status").asString()).isEqualTo("complete");
	}

	private static JsonNode answer(Api api, String conversation) {
		return answer(api, "streams", conversation);
	}

	private static JsonNode answer(Api api, String tenant, String conversation) {
		return Api.json(api.get(tenant, "/api/conversations/" + conversation)).path("messages").path(1);
	}

	private static Process startJar(int port) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx384m", "-jar", JAR.toString()));
		for (String argument : platform.arguments("--devassist.assistant.chat.save-every=100ms")) {
			command.add(argument.startsWith("--server.port=") ? "--server.port=" + port : argument);
		}
		Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve("assistant-killed.log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
			.start();
		TestPlatform.awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		return process;
	}

}
