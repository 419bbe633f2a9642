package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kills one of three replicas under load: no non-streaming request is lost, the streams
 * it was serving end with an error event, the proxy stops sending to it within two
 * seconds, and takes it back once it returns.
 */
class FailoverIT {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void aReplicaKilledUnderLoadLosesNoRequestAndComesBackWhenItReturns() throws Exception {
		List<SimulatorProcess> replicas = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			replicas.add(SimulatorProcess.start("--simulator.latency.base=10ms"));
		}
		SimulatorProcess victim = replicas.get(2);
		try (ConfigurableApplicationContext proxy = ProxyIT
			.startProxy("proxy.pools.chat.model=" + SimulatorProcess.MODEL, "proxy.pools.chat.backends="
					+ replicas.get(0).url() + "," + replicas.get(1).url() + "," + victim.url())) {
			String url = ProxyIT.baseUrl(proxy);
			List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				streams.add(this.http.sendAsync(post(url, 300, true), HttpResponse.BodyHandlers.ofString()));
			}
			ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
			AtomicBoolean running = new AtomicBoolean(true);
			long killedAt;
			try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
				for (int i = 0; i < 6; i++) {
					clients.submit(() -> {
						while (running.get()) {
							long start = System.nanoTime();
							HttpResponse<String> response = this.http.send(post(url, 20, false),
									HttpResponse.BodyHandlers.ofString());
							sent.add(new Sent(start, response.statusCode(),
									response.headers().firstValue("x-devassist-backend").orElse("none")));
						}
						return null;
					});
				}
				// Kill the victim once it is serving its share of the load, and stop once
				// requests sent well after the kill have come back.
				await().atMost(Duration.ofSeconds(20))
					.until(() -> sent.size() >= 30
							&& sent.stream().anyMatch((request) -> request.backend().equals("chat/2")));
				killedAt = System.nanoTime();
				victim.kill();
				long settled = killedAt + TimeUnit.SECONDS.toNanos(3);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> sent.stream().filter((request) -> request.start() - settled > 0).count() >= 20);
				running.set(false);
			}

			assertThat(sent).hasSizeGreaterThan(50)
				.allSatisfy((request) -> assertThat(request.status()).isEqualTo(200));
			assertThat(sent).filteredOn((request) -> request.start() - killedAt > TimeUnit.SECONDS.toNanos(2))
				.isNotEmpty()
				.extracting(Sent::backend)
				.doesNotContain("chat/2");
			List<HttpResponse<String>> ended = streams.stream()
				.map((stream) -> stream.orTimeout(30, TimeUnit.SECONDS))
				.map(CompletableFuture::join)
				.toList();
			assertThat(ended).filteredOn((stream) -> backend(stream).equals("chat/2"))
				.isNotEmpty()
				.allSatisfy((stream) -> assertThat(stream.body()).contains("data: {\"error\"")
					.doesNotContain("data: [DONE]"));
			assertThat(ended).filteredOn((stream) -> !backend(stream).equals("chat/2"))
				.isNotEmpty()
				.allSatisfy((stream) -> assertThat(stream.body()).endsWith("data: [DONE]\n\n"));
			assertThat(metrics(url)).contains("devassist_proxy_backend_state{backend=\"chat/2\",pool=\"chat\"} -1.0");

			SimulatorProcess revived = SimulatorProcess.startOn(victim.port(), "--simulator.latency.base=10ms");
			replicas.set(2, revived);
			await().atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> backend(this.http.send(post(url, 1, false), HttpResponse.BodyHandlers.ofString()))
					.equals("chat/2"));
			assertThat(metrics(url))
				.containsPattern("devassist_proxy_backend_ejections_total\\{backend=\"chat/2\",pool=\"chat\"} [1-9]")
				.contains("devassist_proxy_backend_state{backend=\"chat/2\",pool=\"chat\"} 1.0");
		}
		finally {
			replicas.forEach(SimulatorProcess::close);
		}
	}

	@Test
	void aStreamThatOutlastsTheTotalLimitEndsWithATimeoutEvent() throws Exception {
		try (SimulatorProcess replica = SimulatorProcess.start("--simulator.latency.base=10ms");
				ConfigurableApplicationContext proxy = ProxyIT.startProxy(
						"proxy.pools.chat.model=" + SimulatorProcess.MODEL,
						"proxy.pools.chat.backends=" + replica.url(), "proxy.timeouts.total=1s")) {
			long start = System.nanoTime();
			HttpResponse<String> response = this.http.send(post(ProxyIT.baseUrl(proxy), 500, true),
					HttpResponse.BodyHandlers.ofString());

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).contains("chat.completion.chunk")
				.contains("\"type\":\"TimeoutError\"")
				.contains("total limit of 1000 ms")
				.doesNotContain("[DONE]");
		}
	}

	@Test
	void aStreamThatStallsPastTheIdleLimitEndsWithAnErrorEventAndTheNextRequestIsServed() throws Exception {
		try (SimulatorProcess replica = SimulatorProcess.start("--simulator.latency.base=3s");
				ConfigurableApplicationContext proxy = ProxyIT.startProxy(
						"proxy.pools.chat.model=" + SimulatorProcess.MODEL,
						"proxy.pools.chat.backends=" + replica.url(), "proxy.timeouts.idle=500ms")) {
			long start = System.nanoTime();
			HttpResponse<String> stalled = this.http.send(post(ProxyIT.baseUrl(proxy), 50, true),
					HttpResponse.BodyHandlers.ofString());
			Duration took = Duration.ofNanos(System.nanoTime() - start);

			assertThat(took).isLessThan(Duration.ofSeconds(3));
			assertThat(stalled.body()).contains("\"error\"").contains("timed out").doesNotContain("[DONE]");
			HttpResponse<String> next = this.http.send(post(ProxyIT.baseUrl(proxy), 1, false),
					HttpResponse.BodyHandlers.ofString());
			assertThat(next.statusCode()).isEqualTo(200);
		}
	}

	private static String backend(HttpResponse<String> response) {
		return response.headers().firstValue("x-devassist-backend").orElse("none");
	}

	private String metrics(String url) throws Exception {
		return this.http
			.send(HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static HttpRequest post(String url, int tokens, boolean stream) {
		return HttpRequest.newBuilder(URI.create(url + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimulatorProcess.MODEL
					+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"keep going\"}],\"max_tokens\":" + tokens
					+ ",\"ignore_eos\":true,\"stream\":" + stream + "}"))
			.build();
	}

	private record Sent(long start, int status, String backend) {
	}

}
