package dev.devassist.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.devassist.simulator.api.SimulatorServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real simulator, started on a free port for a test, and plain HTTP calls to it.
 */
public final class RunningSimulator implements AutoCloseable {

	/** The generation model's default name. */
	public static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private RunningSimulator(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts a simulator.
	 * @param properties extra {@code key=value} properties
	 * @return the running simulator
	 */
	public static RunningSimulator start(String... properties) {
		List<String> all = new ArrayList<>(List.of("simulator.port=0", "simulator.host=127.0.0.1",
				"simulator.drain-timeout=5s", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SimulatorApplication.class)
			.properties(all.toArray(String[]::new))
			.run();
		return new RunningSimulator(context);
	}

	public int port() {
		return this.context.getBean(SimulatorServer.class).port();
	}

	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	public ConfigurableApplicationContext context() {
		return this.context;
	}

	/**
	 * Sends a request and returns the response, body as text.
	 * @param method the HTTP method
	 * @param path the path
	 * @param body the JSON body, or null
	 * @return the response
	 */
	public HttpResponse<String> send(String method, String path, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json");
		request.method(method,
				(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Request to " + path + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	public HttpResponse<String> post(String path, String body) {
		return send("POST", path, body);
	}

	public String metrics() {
		return send("GET", "/metrics", null).body();
	}

	/**
	 * Reads one sample from {@code /metrics}.
	 * @param name the sample's name, e.g. {@code vllm:num_requests_waiting}
	 * @return its value, summed over label sets, or 0 when absent
	 */
	public double metric(String name) {
		Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(metrics());
		double sum = 0;
		while (matcher.find()) {
			sum += Double.parseDouble(matcher.group(2));
		}
		return sum;
	}

	@Override
	public void close() {
		this.context.close();
	}

}
