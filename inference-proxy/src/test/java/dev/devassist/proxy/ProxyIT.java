package dev.devassist.proxy;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.devassist.proxy.forwarding.ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The proxy in front of real simulators, driven by the OpenAI Java SDK and by raw HTTP.
 */
class ProxyIT {

	private static SimulatorProcess first;

	private static SimulatorProcess second;

	private static SimulatorProcess cutting;

	private static ConfigurableApplicationContext proxy;

	private static OpenAIClient client;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		first = SimulatorProcess.start("--simulator.model-aliases=flaky,dead");
		second = SimulatorProcess.start();
		cutting = SimulatorProcess.start("--simulator.model-aliases=cut",
				"--simulator.faults.cut-stream-after-tokens=2");
		int deadPort = SimulatorProcess.freePort();
		proxy = startProxy("proxy.pools.chat.model=" + SimulatorProcess.MODEL, "proxy.pools.chat.aliases=llama",
				"proxy.pools.chat.policy=round-robin", "proxy.pools.chat.backends=" + first.url() + "," + second.url(),
				"proxy.pools.embedding.model=sim-embedding", "proxy.pools.embedding.backends=" + first.url(),
				"proxy.pools.flaky.model=flaky", "proxy.pools.flaky.policy=round-robin",
				"proxy.pools.flaky.backends=http://127.0.0.1:" + deadPort + "," + first.url(),
				"proxy.pools.dead.model=dead", "proxy.pools.dead.backends=http://127.0.0.1:" + deadPort,
				"proxy.pools.cut.model=cut", "proxy.pools.cut.backends=" + cutting.url(),
				"proxy.max-request-size=64KB");
		client = OpenAIOkHttpClient.builder().baseUrl(baseUrl(proxy) + "/v1").apiKey("unused").maxRetries(0).build();
	}

	@AfterAll
	static void stop() {
		client.close();
		proxy.close();
		first.close();
		second.close();
		cutting.close();
	}

	@Test
	void chatCompletionPassesThroughToAReplica() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model(SimulatorProcess.MODEL)
				.addUserMessage("Hello through the proxy")
				.build());

		assertThat(completion.choices().getFirst().message().content()).hasValue("Hello through the proxy");
	}

	@Test
	void streamedChatArrivesChunkByChunkWithUsage() {
		ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
			.model(SimulatorProcess.MODEL)
			.addUserMessage("streamed through the proxy")
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
			.build();
		List<ChatCompletionChunk> chunks = new ArrayList<>();

		try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
			stream.stream().forEach(chunks::add);
		}

		String text = chunks.stream()
			.flatMap((chunk) -> chunk.choices().stream())
			.map((choice) -> choice.delta().content().orElse(""))
			.collect(Collectors.joining());
		assertThat(text).isEqualTo("streamed through the proxy");
		assertThat(chunks.getLast().usage()).isPresent();
	}

	@Test
	void embeddingsGoToTheEmbeddingPool() {
		var response = client.embeddings()
			.create(EmbeddingCreateParams.builder().model("sim-embedding").input("route me").build());

		assertThat(response.data().getFirst().embedding()).hasSize(384);
	}

	@Test
	void modelsListsEveryPoolsNamesAndAliases() {
		List<String> ids = client.models().list().data().stream().map(Model::id).toList();

		assertThat(ids).contains(SimulatorProcess.MODEL, "llama", "sim-embedding", "flaky");
	}

	@Test
	void anAliasIsRewrittenToThePoolsModel() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder().model("llama").addUserMessage("alias").build());

		assertThat(completion.model()).isEqualTo(SimulatorProcess.MODEL);
	}

	@Test
	void roundRobinSpreadsRequestsEvenlyOverTheReplicas() {
		Map<String, Long> perBackend = IntStream.range(0, 10)
			.mapToObj((i) -> post("/v1/chat/completions", chat(SimulatorProcess.MODEL, "spread " + i)))
			.map((response) -> response.headers().firstValue("x-devassist-backend").orElse("none"))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

		assertThat(perBackend).containsOnlyKeys("chat/0", "chat/1");
		assertThat(perBackend.values()).containsOnly(5L);
	}

	@Test
	void aReplicaThatRefusesConnectionsIsRetriedElsewhere() {
		List<HttpResponse<String>> responses = IntStream.range(0, 6)
			.mapToObj((i) -> post("/v1/chat/completions", chat("flaky", "retry " + i)))
			.toList();

		assertThat(responses).allSatisfy((response) -> {
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.headers().firstValue("x-devassist-backend")).hasValue("flaky/1");
		});
		assertThat(prometheus())
			.containsPattern("devassist_proxy_backend_ejections_total\\{backend=\"flaky/0\",pool=\"flaky\"} [1-9]");
	}

	@Test
	void whenNoReplicaIsInServiceTheAnswerIsAServiceUnavailableInOpenAisShape() {
		post("/v1/chat/completions", chat("dead", "knock"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> prometheus().contains("devassist_proxy_backend_state{backend=\"dead/0\",pool=\"dead\"} -1.0"));

		HttpResponse<String> response = post("/v1/chat/completions", chat("dead", "nobody home"));

		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.headers().firstValue("retry-after")).isPresent();
		assertThat(response.body()).contains("\"type\":\"ServiceUnavailableError\"")
			.contains("No replica of pool 'dead' is in service");
	}

	@Test
	void aStreamThatBreaksMidwayEndsWithAnErrorEvent() {
		String body = "{\"model\":\"cut\",\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five\"}],"
				+ "\"stream\":true}";

		HttpResponse<String> response = post("/v1/chat/completions", body);

		List<String> events = response.body().lines().filter((line) -> line.startsWith("data: ")).toList();
		assertThat(events).hasSize(1 + 2 + 1);
		assertThat(events.getLast()).contains("\"error\"").contains("broke off midway");
	}

	@Test
	void anUnknownModelIsNotFound() {
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> client.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder().model("gpt-5").addUserMessage("hi").build()))
			.withMessageContaining("The model `gpt-5` does not exist.");
		assertThat(prometheus()).doesNotContain("gpt-5")
			.contains("inference_objective_request_error_total{error_code=\"404\",model_name=\"unknown\"");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', textBlock = """
			''                                  | 400 | empty
			'[1,2]'                             | 400 | must be a JSON object
			'{"model":'                         | 400 | not valid JSON
			'{"model":7}'                       | 400 | Field 'model' must be a string
			'{"messages":[]}'                   | 400 | Field 'model' is required
			'{"model":"x"} {"model":"y"}'       | 400 | more than one JSON value
			""")
	void hostileBodiesGetANamedClientError(String body, int status, String message) {
		HttpResponse<String> response = post("/v1/chat/completions", body);

		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.body()).contains("\"error\"").contains(message);
	}

	@Test
	void aBodyOverTheLimitIsRejectedWith413() {
		HttpResponse<String> response = post("/v1/completions",
				"{\"model\":\"" + SimulatorProcess.MODEL + "\",\"prompt\":\"" + "x".repeat(100_000) + "\"}");

		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(response.body()).contains("larger than the limit of 65536 bytes");
	}

	@Test
	void poolGaugesCountTheReplicasWhoseEngineStateIsFresh() {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(prometheus()).contains("inference_pool_ready_pods{name=\"chat\"} 2.0",
					"inference_pool_ready_pods{name=\"dead\"} 0.0",
					"devassist_proxy_backend_state{backend=\"chat/1\",pool=\"chat\"} 1.0",
					"devassist_proxy_backend_state{backend=\"dead/0\",pool=\"dead\"} -1.0",
					"inference_pool_average_queue_size{name=\"chat\"} 0.0",
					"inference_pool_average_kv_cache_utilization{name=\"chat\"}"));
	}

	@Test
	void promtoolAcceptsTheProxysMetrics() throws Exception {
		Path promtool = Path.of("/usr/bin/promtool");
		Assumptions.assumeTrue(Files.isExecutable(promtool) || "true".equals(System.getenv("CI")),
				"promtool is installed by .ci/run (Debian's prometheus package)");
		post("/v1/chat/completions", chat(SimulatorProcess.MODEL, "fill the meters"));

		Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
		try (OutputStream stdin = process.getOutputStream()) {
			stdin.write(prometheus().getBytes(StandardCharsets.UTF_8));
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

		// Three of Micrometer's stock JVM meters keep the names that dashboards expect.
		String stockJvmMeters = "^(process_cpu_time_ns_total|system_cpu_count|jvm_compilation_time_ms_total) .*";
		assertThat(output.lines().filter((line) -> !line.matches(stockJvmMeters))).isEmpty();
	}

	@Test
	void theProxysMetricsCarryTheInferenceExtensionNames() {
		post("/v1/chat/completions", chat(SimulatorProcess.MODEL, "count me"));

		assertThat(prometheus()).contains("inference_objective_request_total{",
				"inference_objective_request_duration_seconds_bucket{", "inference_objective_running_requests{",
				"devassist_proxy_routing_decisions_total{", "devassist_proxy_overhead_seconds_bucket{");
	}

	static ConfigurableApplicationContext startProxy(String... properties) {
		Map<String, String> settings = new LinkedHashMap<>();
		// The local embedding model takes a second or two to load; the tests that use it
		// turn it on.
		for (String property : List.of("proxy.port=0", "proxy.host=127.0.0.1", "proxy.drain-timeout=2s",
				"spring.main.banner-mode=off", "proxy.local-embedding.enabled=false")) {
			settings.put(property.substring(0, property.indexOf('=')), property);
		}
		for (String property : properties) {
			settings.put(property.substring(0, property.indexOf('=')), property);
		}
		String[] arguments = settings.values().stream().map((property) -> "--" + property).toArray(String[]::new);
		return new SpringApplicationBuilder(InferenceProxyApplication.class).run(arguments);
	}

	static String baseUrl(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getBean(ProxyServer.class).port();
	}

	private static String chat(String model, String text) {
		return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
	}

	private HttpResponse<String> post(String path, String body) {
		return send(HttpRequest.newBuilder(URI.create(baseUrl(proxy) + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private String prometheus() {
		return send(HttpRequest.newBuilder(URI.create(baseUrl(proxy) + "/actuator/prometheus")).build()).body();
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException("Request to " + request.uri() + " failed", ex);
		}
	}

}
