package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The power-of-two policy, on engine state read from real replicas, steers requests away
 * from a replica whose waiting queue is long.
 */
class PowerOfTwoIT {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void requestsAvoidAReplicaWithALongWaitingQueue() {
		try (SimulatorProcess busy = SimulatorProcess.start("--simulator.max-num-seqs=1",
				"--simulator.latency.base=50ms");
				SimulatorProcess idle = SimulatorProcess.start();
				ConfigurableApplicationContext proxy = ProxyIT.startProxy(
						"proxy.pools.chat.model=" + SimulatorProcess.MODEL, "proxy.pools.chat.policy=power-of-two",
						"proxy.pools.chat.backends=" + busy.url() + "," + idle.url())) {
			List<CompletableFuture<HttpResponse<String>>> backlog = IntStream.range(0, 6)
				.mapToObj((i) -> this.http.sendAsync(
						post(busy.url() + "/v1/completions",
								"{\"model\":\"" + SimulatorProcess.MODEL
										+ "\",\"prompt\":\"backlog\",\"max_tokens\":200,\"ignore_eos\":true}"),
						HttpResponse.BodyHandlers.ofString()))
				.toList();
			String proxyUrl = ProxyIT.baseUrl(proxy);
			await().atMost(Duration.ofSeconds(10)).until(() -> queueSeenByProxy(proxyUrl) >= 2);

			List<String> picks = IntStream.range(0, 20)
				.mapToObj((i) -> send(post(proxyUrl + "/v1/chat/completions",
						"{\"model\":\"" + SimulatorProcess.MODEL
								+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"pick " + i + "\"}]}")))
				.map((response) -> response.headers().firstValue("x-devassist-backend").orElse("none"))
				.toList();

			assertThat(picks).containsOnly("chat/1");
			backlog.forEach((request) -> request.cancel(true));
		}
	}

	private double queueSeenByProxy(String proxyUrl) {
		String metrics = send(HttpRequest.newBuilder(URI.create(proxyUrl + "/actuator/prometheus")).build()).body();
		return metrics.lines()
			.filter((line) -> line.startsWith("inference_pool_average_queue_size{name=\"chat\"}"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(0);
	}

	private static HttpRequest post(String url, String body) {
		return HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
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
