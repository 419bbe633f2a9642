package dev.devassist.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole (non-streamed) answers: relayed as one response with its length, and, when a
 * replica breaks one off after its headers, answered with an error the caller can read
 * rather than a cut connection.
 */
class WholeAnswerIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aWholeAnswerArrivesWithItsLength() throws Exception {
		try (SimulatorProcess replica = SimulatorProcess.start();
				ConfigurableApplicationContext proxy = ProxyIT.startProxy(
						"proxy.pools.chat.model=" + SimulatorProcess.MODEL,
						"proxy.pools.chat.backends=" + replica.url())) {
			HttpResponse<String> response = this.http.send(chat(ProxyIT.baseUrl(proxy)),
					HttpResponse.BodyHandlers.ofString());

			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("transfer-encoding")).isEmpty();
			assertThat(response.headers().firstValueAsLong("content-length"))
				.hasValue(response.body().getBytes(StandardCharsets.UTF_8).length);
			assertThat(JSON.readTree(response.body()).at("/choices/0/message/content").asString()).isNotEmpty();
		}
	}

	@Test
	void aWholeAnswerBrokenOffAfterItsHeadersGetsABadGatewayError() throws Exception {
		try (TruncatingReplica replica = new TruncatingReplica();
				ConfigurableApplicationContext proxy = ProxyIT.startProxy(
						"proxy.pools.chat.model=" + SimulatorProcess.MODEL,
						"proxy.pools.chat.backends=" + replica.url(), "proxy.retries=0")) {
			HttpResponse<String> response = this.http.send(chat(ProxyIT.baseUrl(proxy)),
					HttpResponse.BodyHandlers.ofString());

			assertThat(response.statusCode()).isEqualTo(502);
			JsonNode error = JSON.readTree(response.body()).get("error");
			assertThat(error.get("type").asString()).isEqualTo("BadGatewayError");
			assertThat(error.get("message").asString()).contains("broke off midway");
		}
	}

	private static HttpRequest chat(String baseUrl) {
		return HttpRequest.newBuilder(URI.create(baseUrl + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(20))
			.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimulatorProcess.MODEL
					+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"max_tokens\":4}"))
			.build();
	}

	/**
	 * A replica that answers its engine-state reads properly and every other request with
	 * the headers of a 1,000-byte answer and the first few bytes of it, then closes the
	 * connection.
	 */
	private static final class TruncatingReplica implements AutoCloseable {

		private final ServerSocket server;

		private final Thread acceptor;

		TruncatingReplica() throws IOException {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.acceptor = Thread.ofVirtual().start(this::accept);
		}

		String url() {
			return "http://127.0.0.1:" + this.server.getLocalPort();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					Thread.ofVirtual().start(() -> serve(socket));
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket socket) {
			try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
				while (true) {
					String head = readHead(in);
					if (head == null) {
						return;
					}
					int length = contentLength(head);
					in.readNBytes(length);
					if (head.startsWith("GET /metrics")) {
						out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n"
							.getBytes(StandardCharsets.US_ASCII));
						out.flush();
						continue;
					}
					out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
							+ "{\"id\":\"chatcmpl-cut\",\"choices\":[")
						.getBytes(StandardCharsets.US_ASCII));
					out.flush();
					return;
				}
			}
			catch (IOException ex) {
				// the proxy went away
			}
		}

		private static String readHead(InputStream in) throws IOException {
			StringBuilder head = new StringBuilder();
			int next;
			while ((next = in.read()) >= 0) {
				head.append((char) next);
				if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
					return head.toString();
				}
			}
			return null;
		}

		private static int contentLength(String head) {
			for (String line : head.split("\r\n")) {
				if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
					return Integer.parseInt(line.substring(15).trim());
				}
			}
			return 0;
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			this.acceptor.interrupt();
		}

	}

}
