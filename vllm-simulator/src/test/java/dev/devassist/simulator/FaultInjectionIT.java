package dev.devassist.simulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every fault mode, set by flag or through {@code /admin/faults}, behaves as documented.
 */
class FaultInjectionIT {

	private static final String CHAT = "{\"model\":\"" + RunningSimulator.MODEL
			+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six seven eight\"}]";

	private RunningSimulator simulator;

	@AfterEach
	void stop() {
		if (this.simulator != null) {
			this.simulator.close();
		}
	}

	@Test
	void anErrorRateOfOneAnswersEveryRequestWithTheConfiguredStatusesInTurn() {
		this.simulator = RunningSimulator.start();
		this.simulator.send("PUT", "/admin/faults", "{\"errorRate\":1.0,\"errorStatuses\":[503,429]}");

		HttpResponse<String> first = this.simulator.post("/v1/chat/completions", CHAT + "}");
		HttpResponse<String> second = this.simulator.post("/v1/chat/completions", CHAT + "}");

		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(second.statusCode()).isEqualTo(429);
		assertThat(second.headers().firstValue("retry-after")).hasValue("1");
		assertThat(second.body()).contains("\"type\":\"RateLimitError\"");
	}

	@Test
	void clearingFaultsRestoresNormalAnswers() {
		this.simulator = RunningSimulator.start("simulator.faults.error-rate=1");

		HttpResponse<String> failing = this.simulator.post("/v1/chat/completions", CHAT + "}");
		this.simulator.send("DELETE", "/admin/faults", null);
		HttpResponse<String> healed = this.simulator.post("/v1/chat/completions", CHAT + "}");

		assertThat(failing.statusCode()).isEqualTo(500);
		assertThat(healed.statusCode()).isEqualTo(200);
	}

	@Test
	void extraLatencyDelaysEachRequest() {
		this.simulator = RunningSimulator.start();
		this.simulator.send("PUT", "/admin/faults", "{\"extraLatencyMs\":400}");

		long start = System.nanoTime();
		HttpResponse<String> response = this.simulator.post("/v1/chat/completions", CHAT + "}");
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(400));
	}

	@Test
	void aHangAcceptsTheRequestAndNeverAnswers() {
		this.simulator = RunningSimulator.start("simulator.faults.hang=true");
		HttpRequest request = HttpRequest.newBuilder(URI.create(this.simulator.baseUrl() + "/v1/chat/completions"))
			.timeout(Duration.ofMillis(700))
			.POST(HttpRequest.BodyPublishers.ofString(CHAT + "}"))
			.build();

		assertThatExceptionOfType(HttpTimeoutException.class)
			.isThrownBy(() -> HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()));
		assertThat(this.simulator.send("GET", "/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void aCutStreamEndsAfterTheSetTokensWithoutDone() throws Exception {
		this.simulator = RunningSimulator.start("simulator.faults.cut-stream-after-tokens=3");
		String body = CHAT + ",\"stream\":true}";

		// A raw socket, read to its end: an HTTP client may drop what it buffered once
		// the
		// connection breaks, and this test is about exactly what arrived before the
		// break.
		String received;
		try (Socket socket = new Socket("127.0.0.1", this.simulator.port())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
						+ "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
					.getBytes(StandardCharsets.UTF_8));
			received = new String(readToEnd(socket.getInputStream()), StandardCharsets.UTF_8);
		}

		List<String> events = received.lines().filter((line) -> line.startsWith("data: ")).toList();
		assertThat(events).hasSize(1 + 3).noneMatch((event) -> event.contains("[DONE]"));
		assertThat(received).doesNotContain("\r\n0\r\n\r\n");
	}

	private static byte[] readToEnd(InputStream in) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[8192];
		try {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
			}
		}
		catch (IOException ex) {
			// A reset ends the stream as surely as a close does; keep what came before
			// it.
		}
		return out.toByteArray();
	}

	@Test
	void aSlowStartAnswers503OnHealthUntilReady() {
		this.simulator = RunningSimulator.start("simulator.faults.start-delay-ms=1500");

		int early = this.simulator.send("GET", "/health", null).statusCode();
		int earlyChat = this.simulator.post("/v1/chat/completions", CHAT + "}").statusCode();

		assertThat(early).isEqualTo(503);
		assertThat(earlyChat).isEqualTo(503);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.simulator.send("GET", "/health", null).statusCode() == 200);
	}

	@Test
	void refusingConnectionsClosesThePortForAWhileThenOpensItAgain() {
		this.simulator = RunningSimulator.start();
		int port = this.simulator.port();

		this.simulator.send("PUT", "/admin/faults", "{\"refuseConnectionsMs\":1500}");

		await().atMost(Duration.ofSeconds(5)).until(() -> refused(port));
		await().atMost(Duration.ofSeconds(10)).until(() -> !refused(port));
		assertThat(this.simulator.send("GET", "/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void refusingConnectionsByFlagStartsRightAfterStartUp() {
		this.simulator = RunningSimulator.start("simulator.faults.refuse-connections-ms=1500");
		int port = this.simulator.port();

		await().atMost(Duration.ofSeconds(5)).until(() -> refused(port));
		await().atMost(Duration.ofSeconds(10)).until(() -> !refused(port));
	}

	private static boolean refused(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
