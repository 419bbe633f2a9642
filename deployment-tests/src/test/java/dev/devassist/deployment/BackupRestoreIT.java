package dev.devassist.deployment;

import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

import dev.devassist.testsupport.ServiceProcesses;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PostgreSQL backup, restored: the gateway keeps a user and an API key in one
 * PostgreSQL, scripts/backup/postgres-backup.sh dumps it, postgres-restore.sh loads the
 * dump into a fresh instance, and a gateway started on that one lets the same people in
 * with the same password and the same key.
 */
class BackupRestoreIT {

	private static final Path GATEWAY_JAR = Path.of("..", "gateway-service", "target", "gateway-service.jar");

	private static final Path POSTGRES_15 = Path.of("target", "postgres-15", "postgres-15.jar");

	private static final String ADMIN_PASSWORD = "backup-it-admin-password";

	private static final JsonMapper JSON = JsonMapper.shared();

	private final List<AutoCloseable> running = new ArrayList<>();

	private final List<Process> processes = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		ServiceProcesses.stopAll(this.processes);
		for (AutoCloseable server : this.running.reversed()) {
			server.close();
		}
	}

	@Test
	void aBackupRestoredIntoAFreshDatabaseGivesTheGatewayItsUsersAndKeysBack() throws Exception {
		Tools.require("pg_dump", "postgresql-client");
		TestKeys keys = TestKeys.generate();
		int redisPort = ServiceProcesses.freePort();
		RedisServer redis = new RedisServer(redisPort);
		redis.start();
		this.running.add(redis::stop);

		EmbeddedPostgres original = postgres();
		String gateway = startGateway(original, redisPort, keys);
		HttpClient admin = login(gateway, "admin", ADMIN_PASSWORD);
		assertThat(send(admin, gateway, "POST", "/api/admin/users",
				"{\"username\":\"dana\",\"password\":\"dana-password-123\"}"))
			.contains("\"dana\"");
		HttpClient danaSession = login(gateway, "dana", "dana-password-123");
		String key = JSON
			.readTree(send(danaSession, gateway, "POST", "/api/keys", "{\"name\":\"ide\",\"scopes\":[\"chat\"]}"))
			.path("secret")
			.asString();
		assertThat(keyWorks(gateway, key)).isTrue();
		ServiceProcesses.stopAll(this.processes);

		Path archive = Files.createTempDirectory("backup-it").resolve("devassist.dump");
		Tools.Outcome backup = script("scripts/backup/postgres-backup.sh", original, archive.toString());
		assertThat(backup.status()).as(backup.output()).isZero();
		assertThat(archive).isNotEmptyFile();

		EmbeddedPostgres fresh = postgres();
		Tools.Outcome restore = script("scripts/backup/postgres-restore.sh", fresh, archive.toString());
		assertThat(restore.status()).as(restore.output()).isZero();
		String restored = startGateway(fresh, redisPort, keys);

		HttpClient restoredAdmin = login(restored, "admin", ADMIN_PASSWORD);
		assertThat(send(restoredAdmin, restored, "GET", "/api/admin/users", null)).contains("\"dana\"");
		assertThat(login(restored, "dana", "dana-password-123")).isNotNull();
		assertThat(keyWorks(restored, key)).as("dana's API key, from the restored database").isTrue();
	}

	/** PostgreSQL 15, so that Debian's pg_dump 15 may dump it. */
	private EmbeddedPostgres postgres() throws IOException {
		assumeTrue(Files.exists(POSTGRES_15), "PostgreSQL 15's binaries come with the Maven build");
		EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPgBinaryResolver((system, machine) -> {
			ZipFile jar = new ZipFile(POSTGRES_15.toFile());
			InputStream archive = jar.getInputStream(jar.stream()
				.filter((entry) -> entry.getName().endsWith(".txz"))
				.findFirst()
				.orElseThrow(() -> new IOException(POSTGRES_15 + " holds no PostgreSQL archive")));
			return new java.io.FilterInputStream(archive) {
				@Override
				public void close() throws IOException {
					super.close();
					jar.close();
				}
			};
		}).start();
		this.running.add(postgres);
		return postgres;
	}

	private String startGateway(EmbeddedPostgres postgres, int redisPort, TestKeys keys) throws IOException {
		int port = ServiceProcesses.freePort();
		this.processes.add(ServiceProcesses.startJar(GATEWAY_JAR,
				Files.createDirectories(Path.of("target", "it-logs")).resolve("backup-gateway-" + port + ".log"),
				"--server.port=" + port, "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
				"--spring.datasource.username=postgres", "--spring.data.redis.url=redis://127.0.0.1:" + redisPort,
				keys.signingArgument(), keys.trustArgument(),
				"--devassist.gateway.bootstrap.admin-password=" + ADMIN_PASSWORD));
		ServiceProcesses.awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		return "http://127.0.0.1:" + port;
	}

	private static Tools.Outcome script(String script, EmbeddedPostgres postgres, String archive) {
		return Tools.runWith(Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(postgres.getPort()), "PGUSER",
				"postgres", "PGDATABASE", "postgres"), script, archive);
	}

	private static HttpClient login(String gateway, String username, String password) throws Exception {
		HttpClient session = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		send(session, gateway, "POST", "/api/auth/login",
				"{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
		send(session, gateway, "GET", "/api/auth/csrf", null);
		return session;
	}

	private static boolean keyWorks(String gateway, String key) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(gateway + "/api/auth/me"))
				.header("Authorization", "Bearer " + key)
				.build(), HttpResponse.BodyHandlers.ofString());
		return response.statusCode() == 200;
	}

	private static String send(HttpClient session, String gateway, String method, String path, String body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + path))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		((CookieManager) session.cookieHandler().orElseThrow()).getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
			.findFirst()
			.ifPresent((csrf) -> request.header("X-XSRF-TOKEN", csrf.getValue()));
		HttpResponse<String> response = session.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
		return response.body();
	}

}
