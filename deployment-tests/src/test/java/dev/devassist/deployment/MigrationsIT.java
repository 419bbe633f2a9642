package dev.devassist.deployment;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.devassist.testsupport.ServiceProcesses;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several replicas starting at once on an empty database, as a rolling deployment or a
 * scale-up does: two gateways and two assistant-services race to migrate their schemas.
 * Flyway's lock lets one migrate and the other wait; all four become ready, and every
 * migration is applied exactly once.
 */
class MigrationsIT {

	private final List<Process> processes = new ArrayList<>();

	private EmbeddedPostgres postgres;

	private RedisServer redis;

	@AfterEach
	void stop() throws Exception {
		ServiceProcesses.stopAll(this.processes);
		if (this.redis != null) {
			this.redis.stop();
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
	}

	@Test
	void replicasStartingTogetherOnAnEmptyDatabaseMigrateItOnce() throws Exception {
		this.postgres = EmbeddedPostgres.builder().start();
		int redisPort = ServiceProcesses.freePort();
		this.redis = new RedisServer(redisPort);
		this.redis.start();
		TestKeys keys = TestKeys.generate();
		String jdbc = this.postgres.getJdbcUrl("postgres", "postgres");

		List<Integer> ports = new ArrayList<>();
		for (int replica = 0; replica < 2; replica++) {
			String database = "--spring.datasource.url=" + jdbc;
			int gateway = start("gateway-service", replica, database, "--spring.datasource.username=postgres",
					"--spring.data.redis.url=redis://127.0.0.1:" + redisPort, keys.signingArgument(),
					keys.trustArgument(), "--devassist.gateway.bootstrap.admin-password=migrations-it-password");
			int assistant = start("assistant-service", replica, database, "--spring.datasource.username=postgres",
					"--devassist.assistant.redis.url=redis://127.0.0.1:" + redisPort,
					"--devassist.assistant.inference.url=", keys.trustArgument());
			ports.add(gateway);
			ports.add(assistant);
		}
		for (int port : ports) {
			ServiceProcesses.awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		}

		try (Connection connection = this.postgres.getPostgresDatabase().getConnection();
				Statement statement = connection.createStatement()) {
			for (String schema : List.of("gateway", "assistant")) {
				try (ResultSet history = statement.executeQuery("select count(*), count(distinct version) from "
						+ schema + ".flyway_schema_history where version is not null and success")) {
					history.next();
					assertThat(history.getInt(1)).as(schema + "'s migrations").isPositive();
					assertThat(history.getInt(1)).as(schema + "'s migrations, each applied once")
						.isEqualTo(history.getInt(2));
				}
			}
			try (ResultSet admins = statement
				.executeQuery("select count(*) from gateway.app_user where 'operator' = any(roles)")) {
				admins.next();
				assertThat(admins.getInt(1)).as("one first administrator, not one per replica").isOne();
			}
		}
	}

	/** Starts one replica of a service from its jar; returns its port. */
	private int start(String module, int replica, String... arguments) throws java.io.IOException {
		int port = ServiceProcesses.freePort();
		List<String> all = new ArrayList<>(List.of(arguments));
		all.add("--server.port=" + port);
		this.processes.add(ServiceProcesses.startJar(Path.of("..", module, "target", module + ".jar"),
				Files.createDirectories(Path.of("target", "it-logs"))
					.resolve("migrations-" + module + "-" + replica + ".log"),
				all.toArray(String[]::new)));
		return port;
	}

}
