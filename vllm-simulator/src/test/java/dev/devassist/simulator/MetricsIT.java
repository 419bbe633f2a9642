package dev.devassist.simulator;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /metrics}: vLLM's names, well-formed for Prometheus, with token counts that
 * agree with what the responses reported; and a shutdown that drains streams in flight.
 */
class MetricsIT {

	/**
	 * What promtool's linter may say of our output: vLLM's own names carry a colon, which
	 * the linter reserves for recording rules, and two of Micrometer's JVM meters keep
	 * the names that stock dashboards expect.
	 */
	private static final Pattern ACCEPTED_LINT = Pattern
		.compile("^(vllm:\\S+ metric names should not contain ':'|process_cpu_time_ns_total .*|system_cpu_count .*)$");

	private static final Pattern USAGE = Pattern
		.compile("\"prompt_tokens\":(\\d+),\"total_tokens\":\\d+,\"completion_tokens\":(\\d+)");

	@Test
	void promtoolAcceptsTheExposition() throws Exception {
		Path promtool = Path.of("/usr/bin/promtool");
		Assumptions.assumeTrue(Files.isExecutable(promtool) || "true".equals(System.getenv("CI")),
				"promtool is installed by .ci/run (Debian's prometheus package)");
		try (RunningSimulator simulator = RunningSimulator.start("simulator.legacy-metrics=true")) {
			simulator.post("/v1/chat/completions", chat("fill the histograms", false));
			String exposition = simulator.metrics();

			Process process = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
				.start();
			try (OutputStream stdin = process.getOutputStream()) {
				stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

			List<String> findings = output.lines().filter((line) -> !ACCEPTED_LINT.matcher(line).matches()).toList();
			assertThat(findings).isEmpty();
			assertThat(output).doesNotContain("error while linting");
		}
	}

	@Test
	void theCurrentNamesAreExposedWithTheModelNameLabelAndLegacyOnesOnlyOnRequest() {
		try (RunningSimulator current = RunningSimulator.start();
				RunningSimulator legacy = RunningSimulator.start("simulator.legacy-metrics=true")) {
			current.send("GET", "/health", null);
			String metrics = current.metrics();

			assertThat(metrics).contains(
					"vllm:num_requests_running{engine=\"0\",model_name=\"" + RunningSimulator.MODEL + "\"}",
					"vllm:num_requests_waiting{", "vllm:kv_cache_usage_perc{", "vllm:prefix_cache_queries_total{",
					"vllm:prefix_cache_hits_total{", "vllm:prompt_tokens_total{", "vllm:generation_tokens_total{",
					"vllm:time_to_first_token_seconds_bucket{", "vllm:inter_token_latency_seconds_bucket{",
					"vllm:e2e_request_latency_seconds_bucket{", "vllm:request_success_total{",
					"vllm:cache_config_info{", "http_server_requests_seconds_bucket{", "jvm_memory_used_bytes{");
			assertThat(metrics).contains("model_name=\"" + RunningSimulator.MODEL + "\",le=\"0.001\"}")
				.contains("le=\"2560.0\"}");
			assertThat(metrics).doesNotContain("vllm:gpu_cache_usage_perc");
			assertThat(legacy.metrics()).contains("vllm:gpu_cache_usage_perc{", "vllm:gpu_prefix_cache_queries_total{",
					"vllm:gpu_prefix_cache_hits_total{", "vllm:time_per_output_token_seconds_bucket{");
		}
	}

	@Test
	void tokenCountersAgreeWithTheUsageOfEveryResponse() {
		try (RunningSimulator simulator = RunningSimulator.start("simulator.response-mode=generate")) {
			long promptTokens = 0;
			long completionTokens = 0;

			for (int i = 0; i < 20; i++) {
				String body = simulator.post("/v1/chat/completions", chat("question number " + i, false)).body();
				Matcher usage = USAGE.matcher(body);
				assertThat(usage.find()).isTrue();
				promptTokens += Long.parseLong(usage.group(1));
				completionTokens += Long.parseLong(usage.group(2));
			}

			assertThat(simulator.metric("vllm:prompt_tokens_total")).isEqualTo(promptTokens);
			assertThat(simulator.metric("vllm:generation_tokens_total")).isEqualTo(completionTokens);
			assertThat(simulator.metric("vllm:request_success_total")).isEqualTo(20);
		}
	}

	@Test
	void shutdownDrainsAStreamInFlight() throws Exception {
		RunningSimulator simulator = RunningSimulator.start("simulator.latency.base=20ms");
		HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1/completions"))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + RunningSimulator.MODEL
					+ "\",\"prompt\":\"drain me\",\"max_tokens\":60,\"ignore_eos\":true,\"stream\":true}"))
			.build();
		CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
			.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
		await().atMost(Duration.ofSeconds(10)).until(() -> simulator.metric("vllm:num_requests_running") == 1);

		CompletableFuture<Void> shutdown = CompletableFuture.runAsync(simulator::close);
		List<String> events;
		try (Stream<String> lines = response.get(30, TimeUnit.SECONDS).body()) {
			events = lines.filter((line) -> line.startsWith("data: ")).toList();
		}
		shutdown.get(30, TimeUnit.SECONDS);

		assertThat(events).hasSize(61).last().isEqualTo("data: [DONE]");
	}

	private static String chat(String question, boolean stream) {
		return "{\"model\":\"" + RunningSimulator.MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
				+ question + "\"}],\"max_tokens\":64,\"stream\":" + stream + "}";
	}

}
