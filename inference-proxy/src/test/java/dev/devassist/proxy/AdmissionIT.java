package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The admission queue in front of a real, slow replica: priorities, refusals with
 * Retry-After, the queue time limit and the flow-control metrics.
 */
class AdmissionIT {

	private static SimulatorProcess replica;

	private static ConfigurableApplicationContext proxy;

	private static String proxyUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		replica = SimulatorProcess.start("--simulator.latency.base=20ms", "--simulator.model-aliases=impatient");
		proxy = ProxyIT.startProxy("proxy.pools.chat.model=" + SimulatorProcess.MODEL,
				"proxy.pools.chat.backends=" + replica.url(), "proxy.pools.chat.admission.max-in-flight-per-backend=2",
				"proxy.pools.chat.admission.max-queue=4", "proxy.pools.chat.admission.batch-share=0.5",
				"proxy.pools.chat.admission.ide-share=0.5", "proxy.pools.impatient.model=impatient",
				"proxy.pools.impatient.backends=" + replica.url(),
				"proxy.pools.impatient.admission.max-in-flight-per-backend=1",
				"proxy.pools.impatient.admission.max-queue-time=300ms");
		proxyUrl = ProxyIT.baseUrl(proxy);
	}

	@AfterAll
	static void stop() {
		proxy.close();
		replica.close();
	}

	@Test
	void aBatchFloodIsRefusedWithRetryAfterWhileInteractiveRequestsStillFlow() {
		List<CompletableFuture<HttpResponse<String>>> flood = IntStream.range(0, 8)
			.mapToObj((i) -> this.http.sendAsync(chat(SimulatorProcess.MODEL, "batch", "tenant-" + (i % 2), 40),
					HttpResponse.BodyHandlers.ofString()))
			.toList();
		await().atMost(Duration.ofSeconds(10)).until(() -> gauge("batch") >= 2);

		OpenAIClient sdk = OpenAIOkHttpClient.builder()
			.baseUrl(proxyUrl + "/v1")
			.apiKey("unused")
			.maxRetries(0)
			.putHeader("x-priority", "interactive")
			.putHeader("x-tenant", "person")
			.build();
		ChatCompletion answer = sdk.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model(SimulatorProcess.MODEL)
				.addUserMessage("I am waiting for this one")
				.maxCompletionTokens(2)
				.build());
		boolean batchStillQueued = gauge("batch") > 0;

		List<HttpResponse<String>> responses = flood.stream().map(CompletableFuture::join).toList();
		Map<Integer, Long> statuses = responses.stream()
			.collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
		assertThat(answer.choices()).hasSize(1);
		assertThat(batchStillQueued).as("the interactive answer overtook queued batch work").isTrue();
		assertThat(statuses.keySet()).containsOnly(200, 429);
		assertThat(statuses.get(200)).isGreaterThanOrEqualTo(3);
		assertThat(statuses.get(429)).isGreaterThanOrEqualTo(1);
		HttpResponse<String> refused = responses.stream().filter((r) -> r.statusCode() == 429).findFirst().get();
		assertThat(refused.headers().firstValue("retry-after"))
			.hasValueSatisfying((seconds) -> assertThat(Integer.parseInt(seconds)).isBetween(1, 60));
		assertThat(refused.body()).contains("\"type\":\"RateLimitError\"").contains("batch requests is full");
		assertThat(metrics()).contains(
				"inference_extension_flow_control_request_queue_duration_seconds_count{outcome=\"queue-full\",pool=\"chat\",priority=\"batch\"}")
			.contains(
					"inference_extension_flow_control_request_queue_duration_seconds_count{outcome=\"dispatched\",pool=\"chat\",priority=\"interactive\"}")
			.contains("inference_objective_request_error_total{error_code=\"429\"");
	}

	@Test
	void aRequestThatWaitsPastTheLimitIsRefusedAndTheSdkSeesARateLimit() {
		CompletableFuture<HttpResponse<String>> occupying = this.http.sendAsync(chat("impatient", "ide", "t", 60),
				HttpResponse.BodyHandlers.ofString());
		await().atMost(Duration.ofSeconds(10)).until(() -> runningOn("impatient") >= 1);
		OpenAIClient sdk = OpenAIOkHttpClient.builder()
			.baseUrl(proxyUrl + "/v1")
			.apiKey("unused")
			.maxRetries(0)
			.build();

		assertThatExceptionOfType(RateLimitException.class)
			.isThrownBy(() -> sdk.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder().model("impatient").addUserMessage("too late").build()))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains("waited 300 ms");
				assertThat(ex.headers().values("retry-after")).isNotEmpty();
			});
		assertThat(occupying.join().statusCode()).isEqualTo(200);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			x-priority | urgent                        | Header 'x-priority' must be one of interactive, ide or batch
			x-priority | interactive; drop table users | Header 'x-priority' must be one of interactive, ide or batch
			x-tenant   | LONG                          | Header 'x-tenant' must be at most 128 characters
			x-session-id | LONG                        | Header 'x-session-id' must be at most 128 characters
			""")
	void badSchedulingHeadersAreRefusedByName(String header, String value, String message) throws Exception {
		String sent = value.equals("LONG") ? "x".repeat(129) : value;
		HttpRequest request = HttpRequest.newBuilder(URI.create(proxyUrl + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.header(header, sent)
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimulatorProcess.MODEL
					+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
			.build();

		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains(message).contains("\"type\":\"BadRequestError\"");
	}

	@Test
	void priorityNamesAreReadWithoutRegardToCase() throws Exception {
		HttpResponse<String> response = this.http.send(chat(SimulatorProcess.MODEL, "Interactive", "t", 1),
				HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
	}

	private static HttpRequest chat(String model, String priority, String tenant, int tokens) {
		return HttpRequest.newBuilder(URI.create(proxyUrl + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.header("x-priority", priority)
			.header("x-tenant", tenant)
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
					+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"work\"}],\"max_tokens\":" + tokens
					+ ",\"ignore_eos\":true}"))
			.build();
	}

	private String metrics() {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create(proxyUrl + "/actuator/prometheus")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private double gauge(String priority) {
		return value("inference_extension_flow_control_queue_size{pool=\"chat\",priority=\"" + priority + "\"}");
	}

	private double runningOn(String model) {
		return value("inference_objective_running_requests{model_name=\"" + model + "\"");
	}

	private double value(String prefix) {
		return metrics().lines()
			.filter((line) -> line.startsWith(prefix))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

}
