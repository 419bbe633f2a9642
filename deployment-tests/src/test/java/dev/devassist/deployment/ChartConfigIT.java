package dev.devassist.deployment;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.devassist.testsupport.ServiceProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.devassist.deployment.RenderedChart.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration the chart writes is configuration the services accept: the inference
 * proxy is started from its jar with the application.yaml the chart renders (pools found
 * through DNS, the defaults' fixed replicas cleared), for vLLM and for the simulator, and
 * becomes ready. A property the proxy refuses would stop it at start with the reason.
 */
class ChartConfigIT {

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void stop() {
		ServiceProcesses.stopAll(this.processes);
	}

	@Test
	void theProxyStartsOnTheConfigurationTheChartWritesForVllm() throws Exception {
		assertReady(RenderedChart.render());
	}

	@Test
	void theProxyStartsOnTheConfigurationTheChartWritesForTheSimulator() throws Exception {
		assertReady(RenderedChart.render("ci/small-values.yaml"));
	}

	private void assertReady(RenderedChart chart) throws Exception {
		String rendered = (String) map(chart.one("ConfigMap", "devassist-inference-proxy"), "data")
			.get("application.yaml");
		assertThat(rendered).contains("dns-name:").contains("backends: []");
		Path directory = Files.createTempDirectory("chart-proxy-config");
		// The cluster's DNS name becomes one this machine resolves; the rest is as
		// rendered.
		Files.writeString(directory.resolve("application.yaml"),
				rendered.replaceAll("dns-name: \\S+", "dns-name: localhost"));
		int port = ServiceProcesses.freePort();
		this.processes.add(ServiceProcesses.startJar(Path.of("..", "inference-proxy", "target", "inference-proxy.jar"),
				Files.createDirectories(Path.of("target", "it-logs")).resolve("chart-proxy-" + port + ".log"),
				"--spring.config.additional-location=optional:file:" + directory.toAbsolutePath() + "/",
				"--proxy.port=" + port, "--proxy.local-embedding.enabled=false"));

		ServiceProcesses.awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		// Both pools found their replica through DNS: the proxy reports each one's state.
		String metrics = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics).containsPattern("devassist_proxy_backend_state\\{[^}]*pool=\"chat\"")
			.containsPattern("devassist_proxy_backend_state\\{[^}]*pool=\"embedding\"");
	}

}
