package dev.devassist.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a service's readiness URL until it answers 200, the service dies, or time runs
 * out.
 */
final class ReadinessProbe implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReadinessProbe.class);

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(500);

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(REQUEST_TIMEOUT)
		.followRedirects(HttpClient.Redirect.NEVER)
		.build();

	/**
	 * Waits until the service is ready.
	 * @param service the service
	 * @param deadline when to give up
	 * @param aborted says when to stop waiting because the platform stops
	 * @throws PlatformException when the service exits, is not ready by the deadline, or
	 * the wait is aborted
	 */
	void awaitReady(ServiceProcess service, Instant deadline, BooleanSupplier aborted) {
		ServiceDefinition definition = service.definition();
		HttpRequest request = HttpRequest.newBuilder(URI.create(definition.readinessUrl()))
			.timeout(REQUEST_TIMEOUT)
			.GET()
			.build();
		while (!isReady(request)) {
			if (aborted.getAsBoolean()) {
				throw new PlatformException(
						"Stopped waiting for " + definition.name() + " because the platform stops.");
			}
			if (!service.isAlive()) {
				throw new PlatformException(definition.name() + " exited with code " + service.exitValue()
						+ " before it was ready; see " + service.logFile());
			}
			if (Instant.now().isAfter(deadline)) {
				throw new PlatformException(definition.name() + " was not ready at " + definition.readinessUrl()
						+ " in time; see " + service.logFile());
			}
			// Waiting for the exit doubles as the pause between tries, and ends it early.
			service.awaitExit(POLL_INTERVAL);
		}
	}

	@Override
	public void close() {
		this.http.close();
	}

	private boolean isReady(HttpRequest request) {
		try {
			int status = this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
			logger.debug("{} answered {}.", request.uri(), status);
			return status == 200;
		}
		catch (IOException ex) {
			logger.debug("{} did not answer: {}", request.uri(), ex.toString());
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PlatformException("Interrupted while waiting for " + request.uri(), ex);
		}
	}

}
