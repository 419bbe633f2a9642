package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A pool whose replicas a DNS name lists, as a Kubernetes headless Service lists its
 * pods: two simulators on two loopback addresses with one port, and a real DNS server
 * whose answers each test sets.
 */
class DiscoveryIT {

	private static final String NAME = "vllm.devassist.test";

	private static final String MODEL = "found-model";

	private static TestDnsServer dns;

	private static SimulatorProcess first;

	private static SimulatorProcess second;

	private static ConfigurableApplicationContext proxy;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		int port = SimulatorProcess.freePort();
		first = SimulatorProcess.startAt("127.0.0.2", port, "--simulator.model-aliases=" + MODEL);
		second = SimulatorProcess.startAt("127.0.0.3", port, "--simulator.model-aliases=" + MODEL);
		dns = new TestDnsServer();
		dns.answer(NAME, "127.0.0.2");
		proxy = ProxyIT.startProxy("proxy.pools.found.model=" + MODEL, "proxy.pools.found.policy=round-robin",
				"proxy.pools.found.discovery.dns-name=" + NAME, "proxy.pools.found.discovery.port=" + port,
				"proxy.pools.found.discovery.refresh=200ms", "proxy.dns.name-servers=" + dns.address());
	}

	@AfterAll
	static void stop() {
		proxy.close();
		dns.close();
		first.close();
		second.close();
	}

	@Test
	void aReplicaThatAppearsInDnsStartsTakingRequests() {
		dns.answer(NAME, "127.0.0.2", "127.0.0.3");
		await().atMost(Duration.ofSeconds(10)).until(() -> replicas() == 2);
		double firstBefore = served(first);
		double secondBefore = served(second);

		for (int i = 0; i < 10; i++) {
			assertThat(chat("spread " + i).statusCode()).isEqualTo(200);
		}

		assertThat(served(first) - firstBefore).isEqualTo(5);
		assertThat(served(second) - secondBefore).isEqualTo(5);
	}

	@Test
	void aReplicaThatLeavesDnsGetsNoMoreRequests() {
		dns.answer(NAME, "127.0.0.2", "127.0.0.3");
		await().atMost(Duration.ofSeconds(10)).until(() -> replicas() == 2);
		dns.answer(NAME, "127.0.0.3");
		await().atMost(Duration.ofSeconds(10)).until(() -> replicas() == 1);
		double firstBefore = served(first);
		double secondBefore = served(second);

		for (int i = 0; i < 6; i++) {
			assertThat(chat("only the second " + i).statusCode()).isEqualTo(200);
		}

		assertThat(served(first)).isEqualTo(firstBefore);
		assertThat(served(second) - secondBefore).isEqualTo(6);
	}

	@Test
	void aFailingLookupKeepsTheReplicasFoundLast() {
		dns.answer(NAME, "127.0.0.2");
		await().atMost(Duration.ofSeconds(10)).until(() -> replicas() == 1);
		double failuresBefore = lookups("failure");

		dns.fail(NAME);
		await().atMost(Duration.ofSeconds(10)).until(() -> lookups("failure") >= failuresBefore + 2);

		assertThat(replicas()).isEqualTo(1);
		assertThat(chat("still served").statusCode()).isEqualTo(200);
		dns.answer(NAME, "127.0.0.2");
	}

	@Test
	void aPoolWithNeitherBackendsNorADnsNameFailsAtStartNamingBoth() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> new SpringApplicationBuilder(InferenceProxyApplication.class).run("--proxy.port=0",
					"--proxy.local-embedding.enabled=false", "--spring.main.banner-mode=off",
					"--proxy.pools.lonely.model=m"))
			.havingRootCause()
			.withMessageContaining("give either backends (replica URLs) or discovery.dns-name");
	}

	private double replicas() {
		return count(prometheus(), "devassist_proxy_backend_state\\{backend=\"found/\\d+\",pool=\"found\"}");
	}

	private double lookups(String outcome) {
		Matcher matcher = Pattern
			.compile("devassist_proxy_discovery_lookups_total\\{outcome=\"" + outcome + "\",pool=\"found\"} (\\S+)")
			.matcher(prometheus());
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

	private static double count(String text, String regex) {
		return Pattern.compile(regex).matcher(text).results().count();
	}

	private static double served(SimulatorProcess simulator) {
		return simulator.metric("vllm:request_success_total");
	}

	private HttpResponse<String> chat(String text) {
		String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
		return send(HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build());
	}

	private String prometheus() {
		return send(HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/actuator/prometheus")).build()).body();
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
