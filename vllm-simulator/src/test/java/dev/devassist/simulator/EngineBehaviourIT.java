package dev.devassist.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The engine model seen from outside, over HTTP and on the real clock: prefix-cache hits
 * lower TTFT, a larger batch raises inter-token latency, and the waiting queue grows past
 * {@code max_num_seqs}. Step costs are set large against the noise of a shared machine,
 * and the assertions compare ratios with wide margins.
 */
class EngineBehaviourIT {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aRepeatedLongPromptHitsThePrefixCacheAndGetsItsFirstTokenSooner() {
		try (RunningSimulator simulator = RunningSimulator.start("simulator.latency.base=2ms",
				"simulator.latency.per-prefill-token=100us", "simulator.latency.per-sequence=1ms")) {
			String prompt = "the proxy routes each request to a replica ".repeat(220);

			Duration cold = timeToFirstToken(simulator, prompt);
			Duration warm = timeToFirstToken(simulator, prompt);

			assertThat(cold).isGreaterThan(Duration.ofMillis(150));
			assertThat(warm.toNanos()).isLessThan(cold.toNanos() / 3);
			assertThat(simulator.metric("vllm:prefix_cache_hits_total")).isGreaterThan(1500);
		}
	}

	@Test
	void aLargerRunningBatchRaisesInterTokenLatency() {
		try (RunningSimulator simulator = RunningSimulator.start("simulator.latency.base=2ms",
				"simulator.latency.per-sequence=2ms")) {
			double alone = meanInterTokenLatency(simulator, 1);
			double crowded = meanInterTokenLatency(simulator, 24);

			assertThat(crowded).isGreaterThan(alone * 4);
		}
	}

	@Test
	void theWaitingQueueGrowsPastMaxNumSeqs() {
		try (RunningSimulator simulator = RunningSimulator.start("simulator.max-num-seqs=4",
				"simulator.latency.base=5ms")) {
			List<CompletableFuture<HttpResponse<String>>> requests = IntStream.range(0, 12)
				.mapToObj((i) -> sendAsync(simulator, completion("request " + i, 200)))
				.toList();

			await().atMost(Duration.ofSeconds(10))
				.until(() -> simulator.metric("vllm:num_requests_waiting") == 8
						&& simulator.metric("vllm:num_requests_running") == 4);

			requests.forEach((request) -> request.cancel(true));
		}
	}

	private Duration timeToFirstToken(RunningSimulator simulator, String prompt) {
		String body = "{\"model\":\"" + RunningSimulator.MODEL + "\",\"prompt\":\"" + prompt
				+ "\",\"max_tokens\":2,\"stream\":true}";
		HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1/completions"))
			.timeout(Duration.ofSeconds(20))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		long start = System.nanoTime();
		try {
			HttpResponse<Stream<String>> response = this.http.send(request, HttpResponse.BodyHandlers.ofLines());
			try (Stream<String> lines = response.body()) {
				lines.filter((line) -> line.startsWith("data: ")).findFirst().orElseThrow();
			}
			return Duration.ofNanos(System.nanoTime() - start);
		}
		catch (Exception ex) {
			throw new IllegalStateException("The stream failed", ex);
		}
	}

	private double meanInterTokenLatency(RunningSimulator simulator, int concurrency) {
		double sumBefore = simulator.metric("vllm:inter_token_latency_seconds_sum");
		double countBefore = simulator.metric("vllm:inter_token_latency_seconds_count");
		List<CompletableFuture<HttpResponse<String>>> requests = IntStream.range(0, concurrency)
			.mapToObj((i) -> sendAsync(simulator, completion("batch member " + i, 20)))
			.toList();
		requests.forEach((request) -> assertThat(request.join().statusCode()).isEqualTo(200));
		double sum = simulator.metric("vllm:inter_token_latency_seconds_sum") - sumBefore;
		double count = simulator.metric("vllm:inter_token_latency_seconds_count") - countBefore;
		return sum / count;
	}

	private static String completion(String prompt, int tokens) {
		return "{\"model\":\"" + RunningSimulator.MODEL + "\",\"prompt\":\"" + prompt + "\",\"max_tokens\":" + tokens
				+ ",\"ignore_eos\":true}";
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(RunningSimulator simulator, String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1/completions"))
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
	}

}
