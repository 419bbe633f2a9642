package dev.devassist.local;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.core.ExecutableProvider;

/**
 * Redis from the binary that embedded-redis ships, with an append-only file in the data
 * folder so that every write survives a restart.
 * <p>
 * The process is started here rather than through {@code RedisServer}: that class
 * registers a JVM shutdown hook that stops Redis at once, in parallel with the services
 * that still use it.
 */
final class LocalRedis implements RunningComponent {

	static final String HOST = "127.0.0.1";

	private static final Logger logger = LoggerFactory.getLogger(LocalRedis.class);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration PING_TIMEOUT = Duration.ofSeconds(1);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(100);

	private final Process process;

	private final int port;

	private final Path logFile;

	private final Duration stopTimeout;

	private LocalRedis(Process process, int port, Path logFile, Duration stopTimeout) {
		this.process = process;
		this.port = port;
		this.logFile = logFile;
		this.stopTimeout = stopTimeout;
	}

	/**
	 * Starts Redis on the data folder and waits until it answers PING.
	 * @param settings where the data and the log go, and the port
	 * @return the running server
	 * @throws IOException when the server does not start in time
	 */
	static LocalRedis start(PlatformSettings settings) throws IOException {
		Path dataDirectory = settings.redisDir();
		Files.createDirectories(dataDirectory);
		File binary = ExecutableProvider.newJarResourceProvider().get();
		List<String> command = List.of(binary.getAbsolutePath(), "--port", String.valueOf(settings.redisPort()),
				"--bind", HOST, "--dir", dataDirectory.toString(), "--appendonly", "yes", "--appendfsync", "everysec",
				"--daemonize", "no");

		Path logFile = settings.logFile("redis");
		Process process = new ProcessBuilder(ProcessTree.inOwnSession(command)).redirectErrorStream(true)
			.redirectOutput(Redirect.appendTo(logFile.toFile()))
			.start();

		LocalRedis redis = new LocalRedis(process, settings.redisPort(), logFile, settings.stopTimeout());
		redis.awaitPong(Instant.now().plus(STARTUP_TIMEOUT));
		return redis;
	}

	int port() {
		return this.port;
	}

	@Override
	public Placement placement() {
		return new Placement("redis", this.process.pid(), this.port, "redis://" + HOST + ":" + this.port,
				"tcp://" + HOST + ":" + this.port);
	}

	/**
	 * Stops Redis with {@code SHUTDOWN SAVE}, which writes a snapshot and syncs the
	 * append-only file first, and falls back to signals when Redis does not answer.
	 */
	@Override
	public void stop() {
		if (!this.process.isAlive()) {
			return;
		}

		try (RespClient client = RespClient.connect(HOST, this.port, this.stopTimeout)) {
			client.shutdownAndSave();
		}
		catch (IOException ex) {
			logger.warn("Redis did not take SHUTDOWN SAVE ({}); stopping it with SIGTERM, which also saves.",
					ex.getMessage());
		}

		ProcessTree.terminate("Redis", this.process.toHandle(), this.stopTimeout);
		logger.info("Stopped Redis (pid {}).", this.process.pid());
	}

	private void awaitPong(Instant deadline) throws IOException {
		while (!isPonging()) {
			if (!this.process.isAlive()) {
				throw new IOException("Redis exited with code " + this.process.exitValue() + " on port " + this.port
						+ "; see " + this.logFile);
			}
			if (Instant.now().isAfter(deadline)) {
				ProcessTree.terminate("Redis", this.process.toHandle(), this.stopTimeout);
				throw new IOException("Redis did not answer PING on port " + this.port + " within "
						+ STARTUP_TIMEOUT.toSeconds() + " s; see " + this.logFile);
			}
			// Waiting for the exit doubles as the pause between tries, and ends it early.
			ProcessTree.awaitExit(this.process.toHandle(), POLL_INTERVAL);
		}
	}

	private boolean isPonging() {
		try (RespClient client = RespClient.connect(HOST, this.port, PING_TIMEOUT)) {
			return "PONG".equals(client.send("PING"));
		}
		catch (IOException ex) {
			return false;
		}
	}

}
