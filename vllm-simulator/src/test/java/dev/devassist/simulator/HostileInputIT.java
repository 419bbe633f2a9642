package dev.devassist.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends malformed and hostile requests to every endpoint: each gets a 4xx with an
 * OpenAI-shaped body that says what was wrong, and the server stays healthy.
 */
class HostileInputIT {

	private static final String MODEL = "\"model\":\"" + RunningSimulator.MODEL + "\"";

	private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

	private static RunningSimulator simulator;

	@BeforeAll
	static void start() {
		simulator = RunningSimulator.start("simulator.max-request-size=64KB");
	}

	@AfterAll
	static void stop() {
		simulator.close();
	}

	static Stream<Arguments> badRequests() {
		return Stream.of(Arguments.of("/v1/chat/completions", "", 400, "empty"),
				Arguments.of("/v1/chat/completions", "[1,2]", 400, "must be a JSON object"),
				Arguments.of("/v1/chat/completions", "{\"model\":", 400, "not valid JSON"),
				Arguments.of("/v1/chat/completions", "{\"model\":7," + HELLO + "}", 400, "'model' must be a string"),
				Arguments.of("/v1/chat/completions", "{" + HELLO + "}", 400, "'model' is required"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "}", 400, "'messages' is required"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + ",\"messages\":[]}", 400, "non-empty array"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + ",\"messages\":[{\"role\":\"wizard\"}]}", 400,
						"messages[0].role"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + ",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
						400, "messages[0].content"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"max_tokens\":-1}", 400,
						"'max_tokens' must be between 1"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"max_tokens\":\"ten\"}", 400,
						"'max_tokens' must be an integer"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"n\":100000}", 400,
						"'n' must be between 1 and 128"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"temperature\":-1}", 400,
						"'temperature'"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"stop\":5}", 400,
						"'stop' must be a string or an array"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"tools\":{}}", 400,
						"'tools' must be an array"),
				Arguments.of("/v1/chat/completions",
						"{" + MODEL + "," + HELLO
								+ ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\"}}],"
								+ "\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"b\"}}}",
						400, "'b' named in 'tool_choice'"),
				Arguments.of("/v1/chat/completions", "{" + MODEL + "," + HELLO + ",\"top_logprobs\":3}", 400,
						"`logprobs` must be set"),
				Arguments.of("/v1/completions", "{" + MODEL + "}", 400, "'prompt' is required"),
				Arguments.of("/v1/completions", "{" + MODEL + ",\"prompt\":[]}", 400, "'prompt' must be"),
				Arguments.of("/v1/completions", "{" + MODEL + ",\"prompt\":[1,-4]}", 400, "non-negative token ids"),
				Arguments.of("/v1/completions", "{" + MODEL + ",\"prompt\":{\"a\":1}}", 400, "'prompt' must be"),
				Arguments.of("/v1/completions", "{" + MODEL + ",\"prompt\":\"x\",\"min_tokens\":9,\"max_tokens\":2}",
						400, "min_tokens must be less than or equal to max_tokens"),
				Arguments.of("/v1/embeddings", "{\"model\":\"sim-embedding\"}", 400, "'input' is required"),
				Arguments.of("/v1/embeddings", "{\"model\":\"sim-embedding\",\"input\":\"\"}", 400, "empty strings"),
				Arguments.of("/v1/embeddings", "{\"model\":\"sim-embedding\",\"input\":[[]]}", 400, "non-empty"),
				Arguments.of("/v1/embeddings", "{\"model\":\"sim-embedding\",\"input\":\"x\",\"dimensions\":99999}",
						400, "'dimensions' must be between 1 and 384"),
				Arguments.of("/v1/embeddings",
						"{\"model\":\"sim-embedding\",\"input\":\"x\",\"encoding_format\":\"hex\"}", 400,
						"'encoding_format'"),
				Arguments.of("/v1/embeddings", "{\"model\":\"nope\",\"input\":\"x\"}", 404, "`nope` does not exist"),
				Arguments.of("/admin/faults", "{\"errorRate\":2}", 400, "errorRate must be between 0 and 1"),
				Arguments.of("/admin/faults", "{\"errorStatuses\":[200]}", 400, "errorStatuses must hold"),
				Arguments.of("/admin/faults", "{\"errorRat\":1}", 400, "errorRat"),
				Arguments.of("/admin/faults", "not json", 400, "not valid JSON"));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("badRequests")
	void badInputGetsAClearClientError(String path, String body, int status, String message) {
		String method = path.startsWith("/admin") ? "PUT" : "POST";

		HttpResponse<String> response = simulator.send(method, path, body);

		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
		assertThat(response.body()).contains("\"error\"").contains(message);
	}

	@Test
	void aBodyOverTheSizeLimitIsRejectedWith413() {
		String huge = "{" + MODEL + ",\"prompt\":\"" + "x".repeat(100_000) + "\"}";

		HttpResponse<String> response = simulator.post("/v1/completions", huge);

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("larger than the limit of 65536 bytes");
	}

	@Test
	void anUnknownPathIsNotFound() {
		HttpResponse<String> response = simulator.send("GET", "/v1/../../etc/passwd", null);

		assertThat(response.statusCode()).isEqualTo(404);
	}

	@Test
	void deeplyNestedJsonIsRejectedWithoutHarm() {
		String nested = "[".repeat(5000) + "]".repeat(5000);

		HttpResponse<String> response = simulator.post("/v1/chat/completions", nested);

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(simulator.send("GET", "/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void theCallersRequestIdIsReturned() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1/models"))
			.header("X-Request-Id", "req-42")
			.timeout(Duration.ofSeconds(10))
			.build();

		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.headers().firstValue("x-request-id")).hasValue("req-42");
	}

	@Test
	void afterAllTheAbuseTheServerStillAnswers() {
		HttpResponse<String> response = simulator.post("/v1/chat/completions", "{" + MODEL + "," + HELLO + "}");

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"content\":\"hi\"");
	}

}
