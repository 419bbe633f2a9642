package dev.devassist.local;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL from real binaries, with its data kept in the data folder across runs.
 */
final class LocalPostgres implements RunningComponent {

	/** The database the services share; each keeps its tables in a schema of its own. */
	static final String DATABASE = "devassist";

	/** The superuser that embedded PostgreSQL creates; it trusts local connections. */
	static final String USER = "postgres";

	private static final Logger logger = LoggerFactory.getLogger(LocalPostgres.class);

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

	private final EmbeddedPostgres postgres;

	private final Path dataDirectory;

	private final long pid;

	private final Duration stopTimeout;

	private LocalPostgres(EmbeddedPostgres postgres, Path dataDirectory, long pid, Duration stopTimeout) {
		this.postgres = postgres;
		this.dataDirectory = dataDirectory;
		this.pid = pid;
		this.stopTimeout = stopTimeout;
	}

	/**
	 * Starts PostgreSQL on the data folder, initializing it on first use, and creates the
	 * platform's database if it is missing.
	 * @param settings where the data and the log go, and the port
	 * @return the running server
	 * @throws IOException when the server does not start
	 */
	static LocalPostgres start(PlatformSettings settings) throws IOException {
		Path dataDirectory = settings.postgresDir();
		Files.createDirectories(dataDirectory);
		Redirect log = Redirect.appendTo(settings.logFile("postgres").toFile());

		EmbeddedPostgres postgres = EmbeddedPostgres.builder()
			.setDataDirectory(dataDirectory)
			.setCleanDataDirectory(false)
			.setPort(settings.postgresPort())
			// The launcher stops PostgreSQL itself, last, after the services that use it.
			.setRegisterShutdownHook(false)
			// Embedded PostgreSQL turns both off (-F) to speed up
			// tests; here commits must reach the disk.
			.setServerConfig("fsync", "on")
			.setServerConfig("synchronous_commit", "on")
			.setPGStartupWait(STARTUP_TIMEOUT)
			.setOutputRedirector(log)
			.setErrorRedirector(log)
			.start();

		LocalPostgres server = new LocalPostgres(postgres, dataDirectory, readPostmasterPid(dataDirectory),
				settings.stopTimeout());
		try {
			server.createDatabaseIfMissing();
		}
		catch (SQLException ex) {
			server.stop();
			throw new IOException("Could not create the database '" + DATABASE + "': " + ex.getMessage(), ex);
		}
		return server;
	}

	String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + this.postgres.getPort() + "/" + DATABASE;
	}

	@Override
	public Placement placement() {
		int port = this.postgres.getPort();
		return new Placement("postgres", this.pid, port, jdbcUrl(), "tcp://127.0.0.1:" + port);
	}

	/**
	 * Stops PostgreSQL with a fast shutdown, which ends with a checkpoint, and waits
	 * until the server process is gone.
	 */
	@Override
	public void stop() {
		try {
			this.postgres.close();
		}
		catch (IOException ex) {
			logger.warn("pg_ctl could not stop PostgreSQL cleanly: {}", ex.getMessage());
		}

		ProcessHandle.of(this.pid).ifPresent(this::awaitServerExit);
		logger.info("Stopped PostgreSQL (pid {}).", this.pid);
	}

	private void awaitServerExit(ProcessHandle server) {
		// pg_ctl gives up after a few seconds, while the server may still be writing its
		// final checkpoint; only a server that outlives the stop timeout is killed.
		if (!ProcessTree.awaitExit(server, this.stopTimeout)) {
			logger.warn("PostgreSQL (pid {}) did not stop within {} s; killing it. It recovers from its WAL on "
					+ "the next start.", this.pid, this.stopTimeout.toSeconds());
			ProcessTree.terminate("PostgreSQL", server, Duration.ofSeconds(1));
		}
	}

	private void createDatabaseIfMissing() throws SQLException {
		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				PreparedStatement exists = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
			exists.setString(1, DATABASE);
			try (ResultSet rows = exists.executeQuery()) {
				if (rows.next()) {
					return;
				}
			}
			try (Statement create = connection.createStatement()) {
				create.execute("create database " + DATABASE);
			}
			logger.info("Created the database '{}' in {}.", DATABASE, this.dataDirectory);
		}
	}

	private static long readPostmasterPid(Path dataDirectory) throws IOException {
		List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
		if (lines.isEmpty()) {
			throw new IOException("PostgreSQL started but its postmaster.pid in " + dataDirectory + " is empty");
		}
		return Long.parseLong(lines.getFirst().strip());
	}

}
