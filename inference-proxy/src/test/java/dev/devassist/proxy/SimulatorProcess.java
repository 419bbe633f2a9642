package dev.devassist.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real vLLM simulator, run from its jar as a separate process, as a backend of the
 * proxy. The root build lists the simulator's module first, so its jar exists when these
 * tests run.
 */
final class SimulatorProcess implements AutoCloseable {

	static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

	private static final Path JAR = Path.of("..", "vllm-simulator", "target", "vllm-simulator.jar");

	private final Process process;

	private final String host;

	private final int port;

	private SimulatorProcess(Process process, String host, int port) {
		this.process = process;
		this.host = host;
		this.port = port;
	}

	/**
	 * Starts a simulator on a free port and waits until it is healthy.
	 * @param arguments extra {@code --simulator.x=y} arguments
	 * @return the running simulator
	 */
	static SimulatorProcess start(String... arguments) {
		return startOn(freePort(), arguments);
	}

	/**
	 * Starts a simulator on the given port, e.g. to bring back one that was killed, and
	 * waits until it is healthy.
	 * @param port the port
	 * @param arguments extra {@code --simulator.x=y} arguments
	 * @return the running simulator
	 */
	static SimulatorProcess startOn(int port, String... arguments) {
		return startAt("127.0.0.1", port, arguments);
	}

	/**
	 * Starts a simulator on the given loopback address and port, e.g. as one of several
	 * replicas that a DNS name lists with the same port, and waits until it is healthy.
	 * @param host an address of the loopback network, such as {@code 127.0.0.2}
	 * @param port the port
	 * @param arguments extra {@code --simulator.x=y} arguments
	 * @return the running simulator
	 */
	static SimulatorProcess startAt(String host, int port, String... arguments) {
		if (!Files.isRegularFile(JAR)) {
			throw new IllegalStateException(
					JAR.toAbsolutePath() + " is missing: build the vllm-simulator module first");
		}
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "--simulator.host=" + host,
				"--simulator.port=" + port, "--logging.level.root=WARN", "--simulator.drain-timeout=2s"));
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			SimulatorProcess simulator = new SimulatorProcess(process, host, port);
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(simulator::healthy);
			return simulator;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int port() {
		return this.port;
	}

	/**
	 * Kills the simulator at once (SIGKILL), as a crashed pod or a lost node would go.
	 */
	void kill() {
		try {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	String url() {
		return "http://" + this.host + ":" + this.port;
	}

	/**
	 * Reads one of the simulator's metrics, summed over its label sets.
	 * @param name the sample's name
	 * @return its value
	 */
	double metric(String name) {
		String body = get("/metrics");
		return body.lines()
			.filter((line) -> line.startsWith(name + "{") || line.startsWith(name + " "))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	boolean healthy() {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode() == 200;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private String get(String path) {
		try {
			return HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
