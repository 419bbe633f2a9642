package dev.devassist.local;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service running as a child process. Its output goes, line by line, to its own log
 * file in full and to the console with its name in front.
 */
final class ServiceProcess implements RunningComponent {

	private static final Logger logger = LoggerFactory.getLogger(ServiceProcess.class);

	private static final Duration LOG_DRAIN_TIMEOUT = Duration.ofSeconds(5);

	private final ServiceDefinition definition;

	private final Process process;

	private final Path logFile;

	private final Duration stopTimeout;

	private final Thread logPump;

	private volatile boolean stopping;

	private ServiceProcess(ServiceDefinition definition, Process process, Path logFile, BufferedWriter log,
			Duration stopTimeout, ConsoleLog console) {
		this.definition = definition;
		this.process = process;
		this.logFile = logFile;
		this.stopTimeout = stopTimeout;
		this.logPump = Thread.ofPlatform()
			.name(definition.name() + "-log")
			.daemon()
			.start(() -> pumpLines(log, console));
		process.onExit().thenRun(this::reportUnexpectedExit);
	}

	/**
	 * Starts a service.
	 * @param definition what to start
	 * @param settings where the root and the logs are
	 * @param environment what the service needs to find PostgreSQL and Redis
	 * @param console where the compact log goes
	 * @return the running service
	 * @throws IOException when the process cannot be started, or its log not opened
	 */
	static ServiceProcess start(ServiceDefinition definition, PlatformSettings settings,
			Map<String, String> environment, ConsoleLog console) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(ProcessTree.inOwnSession(definition.command()))
			.directory(settings.root().toFile())
			.redirectErrorStream(true);
		builder.environment().putAll(environment);
		Path logFile = settings.logFile(definition.name());
		BufferedWriter log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);

		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			log.close();
			throw ex;
		}
		// Nothing is typed into a service; an early end of input
		// keeps one that reads it from waiting.
		process.getOutputStream().close();

		return new ServiceProcess(definition, process, logFile, log, settings.stopTimeout(), console);
	}

	@Override
	public Placement placement() {
		return new Placement(this.definition.name(), this.process.pid(), this.definition.port(), this.definition.url(),
				this.definition.readinessUrl());
	}

	@Override
	public void stop() {
		this.stopping = true;

		ProcessTree.terminate(this.definition.name(), this.process.toHandle(), this.stopTimeout);

		joinLogPump();
		logger.info("Stopped {} (pid {}, exit code {}).", this.definition.name(), this.process.pid(),
				this.process.isAlive() ? "none" : this.process.exitValue());
	}

	ServiceDefinition definition() {
		return this.definition;
	}

	Path logFile() {
		return this.logFile;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	int exitValue() {
		return this.process.exitValue();
	}

	/**
	 * Waits for the service to exit; as a pause that ends early when it dies.
	 * @param timeout how long to wait at most
	 */
	void awaitExit(Duration timeout) {
		ProcessTree.awaitExit(this.process.toHandle(), timeout);
	}

	private void pumpLines(BufferedWriter log, ConsoleLog console) {
		try (log;
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			log.write("--- " + this.definition.name() + " started as pid " + this.process.pid() + " at "
					+ OffsetDateTime.now());
			log.newLine();
			String line;
			while ((line = reader.readLine()) != null) {
				log.write(line);
				log.newLine();
				log.flush();
				console.line(this.definition.name(), line);
			}
		}
		catch (IOException ex) {
			logger.warn("Copying the output of {} to {} failed; its further output is lost.", this.definition.name(),
					this.logFile, ex);
		}
	}

	private void joinLogPump() {
		try {
			if (!this.logPump.join(LOG_DRAIN_TIMEOUT)) {
				logger.warn("The output of {} did not end within {} s of its exit; its last lines may be missing.",
						this.definition.name(), LOG_DRAIN_TIMEOUT.toSeconds());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void reportUnexpectedExit() {
		if (!this.stopping) {
			logger.warn("{} exited with code {} without being asked to stop; the rest keeps running. Its log is {}.",
					this.definition.name(), this.process.exitValue(), this.logFile);
		}
	}

}
