package dev.devassist.testsupport;

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
 * Real servers for integration tests: a free port, a service's jar started as a process
 * of its own on this JVM's Java, and a wait until it says it is ready.
 */
public final class ServiceProcesses {

	private ServiceProcesses() {
	}

	/**
	 * A port nothing listens on now.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Waits, at most two minutes, until a health URL answers 200.
	 * @param health the URL
	 */
	public static void awaitReady(URI health) {
		HttpClient http = HttpClient.newHttpClient();
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
			try {
				return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.discarding())
					.statusCode() == 200;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	/**
	 * Stops processes, the last started first, waiting at most ten seconds for each.
	 * @param processes the processes
	 */
	public static void stopAll(List<Process> processes) {
		for (Process process : processes.reversed()) {
			process.destroy();
		}
		try {
			for (Process process : processes) {
				process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Starts a service from its jar, quiet (WARN, no banner), with the Vector API and
	 * native access its libraries use.
	 * @param jar the service's jar
	 * @param log where its output goes
	 * @param arguments its {@code --key=value} arguments
	 * @return the process
	 * @throws IOException when it cannot start
	 * @throws IllegalStateException when the jar has not been built
	 */
	public static Process startJar(Path jar, Path log, String... arguments) throws IOException {
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build its module first");
		}
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-Xmx384m", "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-jar",
				jar.toString(), "--logging.level.root=WARN", "--spring.main.banner-mode=off"));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
			.start();
	}

}
