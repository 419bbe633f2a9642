package dev.devassist.assistant;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad and hostile input to every public route of assistant-service, over HTTP and
 * WebSocket: each is refused with a 4xx problem that names what was wrong, never a 5xx,
 * and the service goes on answering.
 */
class HostileInputIT {

	static TestPlatform platform;

	static ConfigurableApplicationContext service;

	static Api api;

	static String base;

	@BeforeAll
	static void start() {
		platform = TestPlatform.get();
		service = new SpringApplicationBuilder(AssistantServiceApplication.class)
			.run(platform.arguments("--devassist.assistant.chat.max-message-chars=2000"));
		base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
		api = new Api(base, platform);
	}

	@AfterAll
	static void stop() {
		service.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"message\":\"   \"}", "{\"message\":42}", "{\"message\":\"a\",\"mode\":\"root\"}",
			"{\"message\":\"a\",\"temperature\":9}", "{\"message\":\"a\",\"conversationId\":\"../../etc\"}",
			"{\"message\":\"a\",\"sources\":[]}", "{\"message\":\"a\",\"path\":\"\"}", "[1,2,3]", "{\"message\":",
			"not json", "{\"message\":\"a\\u0000b\"}" })
	void whenAChatRequestIsMalformedThenItIsRefusedAs400ProblemJson(String body) {
		HttpRequest request = api.request("acme", "/api/chat")
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();

		HttpResponse<String> response = api.send(request);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("content-type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(Api.json(response).path("detail").asString()).isNotBlank();
	}

	@Test
	void whenAFieldHasTheWrongTypeThenTheRefusalNamesIt() {
		HttpResponse<String> number = api.post("acme", "/api/chat", "{\"message\":42}");
		HttpResponse<String> list = api.post("acme", "/api/chat", "{\"message\":\"a\",\"sources\":[\"s\",{}]}");

		assertThat(Api.json(number).path("field").asString()).isEqualTo("message");
		assertThat(Api.json(number).path("detail").asString()).startsWith("Field 'message' cannot be read");
		assertThat(Api.json(list).path("field").asString()).isEqualTo("sources[1]");
	}

	@Test
	void whenAMessageIsLongerThanAllowedThenTheRefusalNamesTheMessageField() {
		HttpResponse<String> response = api.post("acme", "/api/chat", Map.of("message", "x".repeat(2001)));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(Api.json(response).path("detail").asString()).contains("'message'").contains("2001");
	}

	@Test
	void whenAConversationIdIsUnknownThenChatIsRefusedAs404() {
		HttpResponse<String> response = api.post("acme", "/api/chat",
				Map.of("conversationId", "conv_00000000000000000000", "message", "hello"));

		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void whenNoTokenIsSentThenEveryRouteButHealthIsRefusedAs401() {
		List<String> paths = List.of("/api/conversations", "/api/chat/turn_x/events", "/v1/models");

		for (String path : paths) {
			HttpResponse<String> response = api.get(null, path);
			assertThat(response.statusCode()).as(path).isEqualTo(401);
		}
		assertThat(api.get(null, "/actuator/health/readiness").statusCode()).isEqualTo(200);
	}

	@Test
	void whenATokenLacksTheChatScopeThenChatIsRefusedAs403() {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/chat"))
			.header("Authorization", "Bearer " + platform.token("acme", "search"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\"}"))
			.build();

		HttpResponse<String> response = api.send(request);

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(Api.json(response).path("detail").asString()).contains("chat");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/conversations?limit=0", "/api/conversations?limit=abc",
			"/api/conversations?before=yesterday", "/api/chat/turn_x/events?after=-4" })
	void whenAQueryParameterIsBadThenItIsRefusedAs400(String path) {
		HttpResponse<String> response = api.get("acme", path);

		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
	}

	@Test
	void whenFeedbackIsMalformedThenItIsRefusedAndUnknownAnswersAre404() {
		String conversation = Api.json(api.post("acme", "/api/conversations", Map.of("title", "feedback")))
			.path("id")
			.asString();

		HttpResponse<String> badRating = api.put("acme",
				"/api/conversations/" + conversation + "/messages/msg_x/feedback", Map.of("rating", "sideways"));
		HttpResponse<String> unknown = api.put("acme",
				"/api/conversations/" + conversation + "/messages/msg_x/feedback", Map.of("rating", "up"));

		assertThat(badRating.statusCode()).isEqualTo(400);
		assertThat(Api.json(badRating).path("detail").asString()).contains("rating");
		assertThat(unknown.statusCode()).isEqualTo(404);
	}

	@Test
	void whenATitleIsHostileThenRenamingIsRefused() {
		String conversation = Api.json(api.post("acme", "/api/conversations", Map.of("title", "rename me")))
			.path("id")
			.asString();

		HttpResponse<String> tooLong = api.patch("acme", "/api/conversations/" + conversation,
				Map.of("title", "t".repeat(201)));
		HttpResponse<String> control = api.patch("acme", "/api/conversations/" + conversation,
				Map.of("title", "bad\u0007bell"));

		assertThat(tooLong.statusCode()).isEqualTo(400);
		assertThat(control.statusCode()).isEqualTo(400);
	}

	@Test
	void whenWebSocketFramesAreMalformedThenEachGetsAnErrorEventAndTheConnectionStaysOpen() throws Exception {
		LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.header("Authorization", "Bearer " + platform.token("acme"))
			.buildAsync(URI.create(base.replace("http", "ws") + "/ws/chat"), new Collector(received))
			.get(10, TimeUnit.SECONDS);
		awaitReady(received);

		for (String frame : List.of("not json", "[]", "{\"type\":\"explode\"}", "{\"type\":\"chat\",\"message\":7}",
				"{\"type\":\"chat\"}", "{\"type\":\"stop\",\"turnId\":\"turn_nope\"}")) {
			socket.sendText(frame, true).get(5, TimeUnit.SECONDS);
			JsonNode event = Api.JSON.readTree(received.poll(10, TimeUnit.SECONDS));
			assertThat(event.path("type").asString()).as(frame).isEqualTo("error");
			assertThat(event.path("detail").asString()).as(frame).isNotBlank();
		}
		socket.sendText("{\"type\":\"chat\",\"message\":\"How are the settings parsed?\"}", true)
			.get(5, TimeUnit.SECONDS);
		JsonNode start = Api.JSON.readTree(received.poll(30, TimeUnit.SECONDS));

		assertThat(start.path("type").asString()).isEqualTo("start");
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
	}

	/**
	 * Waits for the socket's first event, {@code ready}, after which frames may be sent.
	 * @param received the socket's messages
	 */
	static void awaitReady(LinkedBlockingQueue<String> received) throws InterruptedException {
		String first = received.poll(10, TimeUnit.SECONDS);
		assertThat(first).as("the socket's first event").isNotNull();
		assertThat(Api.JSON.readTree(first).path("type").asString()).isEqualTo("ready");
	}

	/** Gathers a WebSocket's text messages. */
	record Collector(LinkedBlockingQueue<String> received) implements WebSocket.Listener {

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.received.add(data.toString());
			webSocket.request(1);
			return CompletableFuture.completedFuture(null);
		}

	}

}
