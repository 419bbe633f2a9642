package dev.devassist.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SSE and WebSocket streams of the real services, through the gateway: nothing buffered,
 * the same events as the service sends, credentials checked at the handshake.
 */
class StreamsIT {

	private static String gateway;

	private static Client admin;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() {
		gateway = GatewayPlatform.get().startGateway();
		admin = new Client(gateway);
		admin.login("admin", GatewayPlatform.ADMIN_PASSWORD);
	}

	@Test
	void whenAJobIsFollowedThenItsFirstEventArrivesWhileTheStreamStaysOpen() throws Exception {
		String key = key("search", "ingest");
		JsonNode created = Client.uploadSource(gateway, key, "notes.md",
				"# Notes\n\nThe gateway passes streams through.\n");
		String job = created.path("job").path("id").asString();
		HttpRequest events = HttpRequest.newBuilder(URI.create(gateway + "/api/jobs/" + job + "/events"))
			.header("Authorization", "Bearer " + key)
			.header("Accept", "text/event-stream")
			.build();

		HttpResponse<Stream<String>> response = this.http.send(events, HttpResponse.BodyHandlers.ofLines());
		Iterator<String> lines = response.body().iterator();
		String first = CompletableFuture.supplyAsync(() -> firstData(lines)).get(10, TimeUnit.SECONDS);
		Client.withKey(gateway, key).post("/api/jobs/" + job + "/cancel", "");
		String last = CompletableFuture.supplyAsync(() -> lastData(lines)).get(30, TimeUnit.SECONDS);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		assertThat(first).contains(job);
		assertThat(last).contains("\"status\":\"CANCELLED\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "stream-idle-timeout=2s", "stream-max-duration=3s" })
	void whenAStreamIsSilentOrLastsTooLongThenTheGatewayEndsIt(String limit) throws Exception {
		String limited = GatewayPlatform.get().startGateway("--devassist.gateway.routes." + limit);
		String key = key("search", "ingest");
		// With no embedding model behind this platform's rag-service, the job waits on
		// its embeddings: its stream says nothing but a heartbeat every 15 s for minutes.
		JsonNode created = Client.uploadSource(limited, key, "silent.md", "# Silent\n\nNothing moves here.\n");
		String job = created.path("job").path("id").asString();
		HttpRequest events = HttpRequest.newBuilder(URI.create(limited + "/api/jobs/" + job + "/events"))
			.header("Authorization", "Bearer " + key)
			.header("Accept", "text/event-stream")
			.build();

		long started = System.nanoTime();
		HttpResponse<Stream<String>> response = this.http.send(events, HttpResponse.BodyHandlers.ofLines());
		Iterator<String> lines = response.body().iterator();
		String first = CompletableFuture.supplyAsync(() -> firstData(lines)).get(10, TimeUnit.SECONDS);
		String last = CompletableFuture.supplyAsync(() -> lastData(lines)).get(12, TimeUnit.SECONDS);
		double seconds = (System.nanoTime() - started) / 1e9;
		Client.withKey(limited, key).post("/api/jobs/" + job + "/cancel", "");

		assertThat(first).contains(job);
		assertThat(last).doesNotContain("CANCELLED");
		assertThat(seconds).as("ended by the gateway, before the service's first heartbeat").isLessThan(12);
	}

	@Test
	void whenAQuestionIsAskedOverSseThenEveryEventOfTheAnswerArrives() throws Exception {
		String key = key("chat");
		HttpRequest chat = HttpRequest.newBuilder(URI.create(gateway + "/api/chat"))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "application/json")
			.header("Accept", "text/event-stream")
			.POST(HttpRequest.BodyPublishers.ofString("{\"message\": \"How are streams passed through?\"}"))
			.build();

		HttpResponse<Stream<String>> response = this.http.send(chat, HttpResponse.BodyHandlers.ofLines());
		List<String> types = response.body()
			.filter((line) -> line.startsWith("data:"))
			.map((line) -> Client.JSON.readTree(line.substring(5)).path("type").asString())
			.toList();

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(types).startsWith("start").endsWith("done");
	}

	@Test
	void whenAQuestionIsAskedOverAWebSocketThenTheSameEventsArriveAndABadFrameIsAnsweredWithAnError() throws Exception {
		String key = key("chat");
		BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
		WebSocket socket = this.http.newWebSocketBuilder()
			.header("Authorization", "Bearer " + key)
			.buildAsync(URI.create(gateway.replace("http:", "ws:") + "/ws/chat"), collector(frames))
			.get(10, TimeUnit.SECONDS);

		JsonNode ready = frames.poll(30, TimeUnit.SECONDS);
		socket.sendText("this is not json", true).get(5, TimeUnit.SECONDS);
		// Generous: on a loaded two-core CI machine the upstream socket can take seconds
		// to open.
		JsonNode error = frames.poll(30, TimeUnit.SECONDS);
		socket.sendText(Client.JSON.writeValueAsString(Map.of("type", "chat", "message", "Hello over a socket")), true)
			.get(5, TimeUnit.SECONDS);
		JsonNode start = frames.poll(10, TimeUnit.SECONDS);
		JsonNode frame = start;
		while (frame != null && !frame.path("type").asString().equals("done")) {
			frame = frames.poll(10, TimeUnit.SECONDS);
		}
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");

		assertThat(ready.path("type").asString()).as("the service's first event, relayed").isEqualTo("ready");
		assertThat(error).isNotNull();
		assertThat(error.path("type").asString()).isEqualTo("error");
		assertThat(start.path("type").asString()).isEqualTo("start");
		assertThat(frame).isNotNull();
	}

	@Test
	void whenAWebSocketIsOpenedWithoutAUsableKeyThenTheHandshakeIsRefused() {
		CompletableFuture<WebSocket> anonymous = this.http.newWebSocketBuilder()
			.buildAsync(URI.create(gateway.replace("http:", "ws:") + "/ws/chat"),
					collector(new LinkedBlockingQueue<>()));
		CompletableFuture<WebSocket> searchOnly = this.http.newWebSocketBuilder()
			.header("Authorization", "Bearer " + key("search"))
			.buildAsync(URI.create(gateway.replace("http:", "ws:") + "/ws/chat"),
					collector(new LinkedBlockingQueue<>()));

		assertThatThrownBy(() -> anonymous.get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(WebSocketHandshakeException.class)
			.satisfies((ex) -> assertThat(((WebSocketHandshakeException) ex.getCause()).getResponse().statusCode())
				.isEqualTo(401));
		assertThatThrownBy(() -> searchOnly.get(10, TimeUnit.SECONDS))
			.satisfies((ex) -> assertThat(((WebSocketHandshakeException) ex.getCause()).getResponse().statusCode())
				.isEqualTo(403));
	}

	private static String key(String... scopes) {
		Client.Answer answer = admin.post("/api/keys", Map.of("name", "streams", "scopes", List.of(scopes)));
		assertThat(answer.status()).isEqualTo(201);
		return answer.json().path("secret").asString();
	}

	private static String firstData(Iterator<String> lines) {
		while (lines.hasNext()) {
			String line = lines.next();
			if (line.startsWith("data:")) {
				return line;
			}
		}
		throw new CompletionException(new IllegalStateException("The stream ended without data"));
	}

	private static String lastData(Iterator<String> lines) {
		String last = "";
		while (lines.hasNext()) {
			String line = lines.next();
			if (line.startsWith("data:")) {
				last = line;
			}
		}
		return last;
	}

	private static WebSocket.Listener collector(BlockingQueue<JsonNode> frames) {
		return new WebSocket.Listener() {

			private final StringBuilder partial = new StringBuilder();

			@Override
			public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
				this.partial.append(data);
				if (last) {
					frames.add(Client.JSON.readTree(this.partial.toString()));
					this.partial.setLength(0);
				}
				webSocket.request(1);
				return null;
			}

		};
	}

}
