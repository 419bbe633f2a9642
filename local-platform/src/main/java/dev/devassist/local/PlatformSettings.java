package dev.devassist.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How the local platform runs: where its data lives, which ports its stores take, and how
 * long it waits for its parts.
 *
 * @param root the folder that holds the modules, whose {@code target/} folders hold the
 * services' jars
 * @param dataDir the one folder that holds all data and logs
 * @param postgresPort the port PostgreSQL listens on
 * @param redisPort the port Redis listens on
 * @param readyTimeout how long the services together may take to become ready
 * @param stopTimeout how long one component may take to stop before it is killed
 */
record PlatformSettings(Path root, Path dataDir, int postgresPort, int redisPort, Duration readyTimeout,
		Duration stopTimeout) {

	static final String USAGE = """
			Usage: java -jar local-platform.jar [options]
			  --data-dir=PATH       the folder for all data and logs (default: .devassist)
			  --root=PATH           the folder that holds the modules' jars (default: .)
			  --postgres-port=PORT  PostgreSQL's port (default: 15432)
			  --redis-port=PORT     Redis's port (default: 16379)
			  --ready-timeout=SECS  how long the services may take to become ready (default: 180)
			  --stop-timeout=SECS   how long one component may take to stop (default: 30)
			  --list-services       print each service's name and jar, and exit
			""";

	static final String DEFAULT_DATA_DIR = ".devassist";

	static final int DEFAULT_POSTGRES_PORT = 15432;

	static final int DEFAULT_REDIS_PORT = 16379;

	static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(180);

	static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

	PlatformSettings {
		root = root.toAbsolutePath().normalize();
		dataDir = dataDir.toAbsolutePath().normalize();
		requirePort("postgres-port", postgresPort);
		requirePort("redis-port", redisPort);
		if (postgresPort == redisPort) {
			throw new IllegalArgumentException("postgres-port and redis-port must differ, both are " + redisPort);
		}
		requirePositive("ready-timeout", readyTimeout);
		requirePositive("stop-timeout", stopTimeout);
	}

	/**
	 * Reads the settings from command-line options of the form {@code --name=value}.
	 * @param args the options
	 * @param workingDirectory what relative paths are relative to
	 * @return the settings, with defaults for the options not given
	 * @throws IllegalArgumentException for an unknown or malformed option
	 */
	static PlatformSettings parse(List<String> args, Path workingDirectory) {
		Path root = workingDirectory;
		Path dataDir = workingDirectory.resolve(DEFAULT_DATA_DIR);
		int postgresPort = DEFAULT_POSTGRES_PORT;
		int redisPort = DEFAULT_REDIS_PORT;
		Duration readyTimeout = DEFAULT_READY_TIMEOUT;
		Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (!arg.startsWith("--") || equals < 0) {
				throw new IllegalArgumentException("Option '" + arg + "' is not of the form --name=value");
			}
			String name = arg.substring(2, equals);
			String value = arg.substring(equals + 1);
			switch (name) {
				case "data-dir" -> dataDir = workingDirectory.resolve(value);
				case "root" -> root = workingDirectory.resolve(value);
				case "postgres-port" -> postgresPort = parseInt(name, value);
				case "redis-port" -> redisPort = parseInt(name, value);
				case "ready-timeout" -> readyTimeout = Duration.ofSeconds(parseInt(name, value));
				case "stop-timeout" -> stopTimeout = Duration.ofSeconds(parseInt(name, value));
				default -> throw new IllegalArgumentException("Option '--" + name + "' is unknown");
			}
		}
		return new PlatformSettings(root, dataDir, postgresPort, redisPort, readyTimeout, stopTimeout);
	}

	Path postgresDir() {
		return this.dataDir.resolve("data").resolve("postgres");
	}

	Path redisDir() {
		return this.dataDir.resolve("data").resolve("redis");
	}

	Path logsDir() {
		return this.dataDir.resolve("logs");
	}

	Path logFile(String component) {
		return logsDir().resolve(component + ".log");
	}

	Path pidFile() {
		return this.dataDir.resolve("platform.pid");
	}

	Path stateFile() {
		return this.dataDir.resolve("platform.json");
	}

	private static int parseInt(String name, String value) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Option '--" + name + "' needs a whole number, not '" + value + "'");
		}
	}

	private static void requirePort(String name, int port) {
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException(name + " must be between 1 and 65535, not " + port);
		}
	}

	private static void requirePositive(String name, Duration duration) {
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, not " + duration.toSeconds() + "s");
		}
	}

}
