package dev.devassist.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Starts the platform for real, with embedded PostgreSQL and Redis on a temporary data
 * folder and free ports, and a stand-in service instead of the platform's own.
 */
class LocalPlatformIT {

	private static final Duration OUTPUT_TIMEOUT = Duration.ofSeconds(20);

	private static final Pattern CHILD_PID = Pattern.compile("child=(\\d+)");

	@TempDir
	Path dataDir;

	private final ByteArrayOutputStream console = new ByteArrayOutputStream();

	@Test
	void whenStartedThenPostgresAndRedisAnswer() throws Exception {
		PlatformSettings settings = settings();

		try (LocalPlatform platform = started(settings, List.of())) {

			assertThat(queryOne(settings, "select 1")).isEqualTo("1");
			assertThat(redis(settings, "PING")).isEqualTo("PONG");
		}
	}

	@Test
	void whenStartedThenPostgresWritesCommitsThroughToDisk() throws Exception {
		PlatformSettings settings = settings();

		try (LocalPlatform platform = started(settings, List.of())) {

			assertThat(queryOne(settings, "show fsync")).isEqualTo("on");
			assertThat(queryOne(settings, "show synchronous_commit")).isEqualTo("on");
		}
	}

	@Test
	void whenRestartedThenDataIsKept() throws Exception {
		PlatformSettings settings = settings();
		try (LocalPlatform platform = started(settings, List.of())) {
			execute(settings, "create table note (body text)", "insert into note values ('kept')");
			redis(settings, "SET", "note", "kept");
		}

		try (LocalPlatform platform = started(settings, List.of())) {

			assertThat(queryOne(settings, "select body from note")).isEqualTo("kept");
			assertThat(redis(settings, "GET", "note")).isEqualTo("kept");
		}
	}

	@Test
	void whenStoppedThenNoProcessIsLeft() throws Exception {
		PlatformSettings settings = settings();
		LocalPlatform platform = started(settings, List.of(stub(freePort())));
		List<Long> pids = new ArrayList<>(platform.placements().stream().map(Placement::pid).toList());
		pids.add(awaitStubChildPid(settings));

		platform.stop();

		assertThat(pids).hasSize(4).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isEmpty());
		assertThat(ProcessHandle.current().descendants()).isEmpty();
	}

	@Test
	void whenReadyThenStateFilesSayWhatRunsWhereUntilTheStop() throws Exception {
		PlatformSettings settings = settings();
		ServiceDefinition stub = stub(freePort());
		LocalPlatform platform = started(settings, List.of(stub));

		String json = Files.readString(settings.stateFile());
		String pid = Files.readString(settings.pidFile()).strip();
		platform.stop();

		assertThat(pid).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
		assertThat(json).contains("\"status\": \"ready\"")
			.contains("{\"name\": \"postgres\"", "\"port\": " + settings.postgresPort())
			.contains("{\"name\": \"redis\"", "\"port\": " + settings.redisPort())
			.contains("{\"name\": \"stub\"", "\"health\": \"" + stub.readinessUrl() + "\"");
		assertThat(settings.stateFile()).doesNotExist();
		assertThat(settings.pidFile()).doesNotExist();
	}

	@Test
	void whenServiceStartsThenItsEnvironmentPointsAtPostgresAndRedis() throws Exception {
		PlatformSettings settings = settings();

		try (LocalPlatform platform = started(settings, List.of(stub(freePort())))) {

			await().atMost(OUTPUT_TIMEOUT)
				.untilAsserted(() -> assertThat(stubLog(settings))
					.contains("datasource=jdbc:postgresql://localhost:" + settings.postgresPort() + "/devassist")
					.contains("redis=127.0.0.1:" + settings.redisPort()));
		}
	}

	@Test
	void whenServiceWritesALineThenTheConsoleShowsItUnderTheServiceName() throws Exception {
		PlatformSettings settings = settings();
		int port = freePort();

		try (LocalPlatform platform = started(settings, List.of(stub(port)))) {

			await().atMost(OUTPUT_TIMEOUT)
				.untilAsserted(() -> assertThat(this.console.toString(StandardCharsets.UTF_8))
					.contains(ConsoleLog.prefix("stub") + "listening on port " + port));
		}
	}

	@Test
	void whenServiceExitsBeforeItIsReadyThenTheWaitFailsNamingIt() throws Exception {
		PlatformSettings settings = settings();
		ServiceDefinition quitter = new ServiceDefinition("quitter", freePort(), "/health", testClasses(),
				List.of(ServiceDefinition.javaExecutable(), "-version"));

		try (LocalPlatform platform = new LocalPlatform(settings, List.of(quitter), printStream())) {
			platform.start();

			assertThatExceptionOfType(PlatformException.class).isThrownBy(platform::awaitReady)
				.withMessageContaining("quitter exited with code 0 before it was ready");
		}
	}

	@Test
	void whenAnotherLiveLauncherHoldsTheDataDirThenStartIsRefused() throws Exception {
		PlatformSettings settings = settings();
		long otherPid = ProcessHandle.current().parent().orElseThrow().pid();
		Files.writeString(settings.pidFile(), otherPid + "\n");

		try (LocalPlatform platform = new LocalPlatform(settings, List.of(), printStream())) {

			assertThatExceptionOfType(PlatformException.class).isThrownBy(platform::start)
				.withMessageContaining("already runs")
				.withMessageContaining("pid " + otherPid);
		}
		assertThat(Files.readString(settings.pidFile()).strip()).isEqualTo(String.valueOf(otherPid));
	}

	private PlatformSettings settings() throws IOException {
		return new PlatformSettings(Path.of(""), this.dataDir, freePort(), freePort(), Duration.ofSeconds(60),
				Duration.ofSeconds(30));
	}

	private LocalPlatform started(PlatformSettings settings, List<ServiceDefinition> services) {
		LocalPlatform platform = new LocalPlatform(settings, services, printStream());
		try {
			platform.start();
			platform.awaitReady();
			return platform;
		}
		catch (RuntimeException ex) {
			platform.stop();
			throw ex;
		}
	}

	private PrintStream printStream() {
		return new PrintStream(this.console, true, StandardCharsets.UTF_8);
	}

	private static ServiceDefinition stub(int port) throws URISyntaxException {
		Path classes = testClasses();
		return new ServiceDefinition("stub", port, "/health", classes, List.of(ServiceDefinition.javaExecutable(),
				"-cp", classes.toString(), HealthEndpointStub.class.getName(), String.valueOf(port)));
	}

	private static Path testClasses() throws URISyntaxException {
		return Path.of(HealthEndpointStub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
	}

	private static long awaitStubChildPid(PlatformSettings settings) {
		return await().atMost(OUTPUT_TIMEOUT).until(() -> {
			Matcher matcher = CHILD_PID.matcher(stubLog(settings));
			return matcher.find() ? Long.parseLong(matcher.group(1)) : null;
		}, (pid) -> pid != null);
	}

	private static String stubLog(PlatformSettings settings) throws IOException {
		Path log = settings.logFile("stub");
		return Files.exists(log) ? Files.readString(log) : "";
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static Connection connect(PlatformSettings settings) throws SQLException {
		return DriverManager.getConnection(
				"jdbc:postgresql://localhost:" + settings.postgresPort() + "/" + LocalPostgres.DATABASE,
				LocalPostgres.USER, "");
	}

	private static void execute(PlatformSettings settings, String... statements) throws SQLException {
		try (Connection connection = connect(settings); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static String queryOne(PlatformSettings settings, String query) throws SQLException {
		try (Connection connection = connect(settings);
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(query)) {
			assertThat(rows.next()).as("a row from '%s'", query).isTrue();
			return rows.getString(1);
		}
	}

	private static @Nullable String redis(PlatformSettings settings, String... command) throws IOException {
		try (RespClient client = RespClient.connect(LocalRedis.HOST, settings.redisPort(), Duration.ofSeconds(5))) {
			return client.send(command);
		}
	}

}
