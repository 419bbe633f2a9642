package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutting the proxy down lets a stream in flight finish before the server closes.
 */
class ShutdownIT {

	@Test
	void shutdownDrainsAStreamInFlight() throws Exception {
		try (SimulatorProcess backend = SimulatorProcess.start("--simulator.latency.base=20ms")) {
			ConfigurableApplicationContext proxy = ProxyIT.startProxy("proxy.drain-timeout=20s",
					"proxy.pools.chat.model=" + SimulatorProcess.MODEL, "proxy.pools.chat.backends=" + backend.url());
			HttpRequest request = HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/v1/completions"))
				.timeout(Duration.ofSeconds(30))
				.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimulatorProcess.MODEL
						+ "\",\"prompt\":\"drain me\",\"max_tokens\":60,\"ignore_eos\":true,\"stream\":true}"))
				.build();
			CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
				.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
			await().atMost(Duration.ofSeconds(10)).until(() -> backend.metric("vllm:num_requests_running") == 1);

			CompletableFuture<Void> shutdown = CompletableFuture.runAsync(proxy::close);
			List<String> events;
			try (Stream<String> lines = response.get(30, TimeUnit.SECONDS).body()) {
				events = lines.filter((line) -> line.startsWith("data: ")).toList();
			}
			shutdown.get(30, TimeUnit.SECONDS);

			assertThat(events).hasSize(61).last().isEqualTo("data: [DONE]");
		}
	}

}
