package dev.devassist.rag;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Brief outages of rag-service's peers, with real servers stopped and started again:
 * while the inference proxy is down a job waits and then completes, or ends at once when
 * it is cancelled; a job made while Redis is down is kept in PostgreSQL and queued once
 * Redis is back.
 */
class OutageIT {

	@TempDir
	static Path data;

	static int proxyPort;

	static Process proxy;

	static int redisPort;

	static RedisServer redis;

	static ConfigurableApplicationContext service;

	static Api api;

	@BeforeAll
	static void start() throws Exception {
		TestPlatform platform = TestPlatform.get();
		proxyPort = TestPlatform.freePort();
		proxy = TestPlatform.startProxy(proxyPort);
		redisPort = TestPlatform.freePort();
		redis = new RedisServer(redisPort);
		redis.start();
		service = new SpringApplicationBuilder(RagServiceApplication.class).run(platform.arguments(data,
				"--devassist.rag.embedding.proxy-url=http://127.0.0.1:" + proxyPort,
				"--devassist.rag.redis.url=redis://127.0.0.1:" + redisPort, "--devassist.rag.embedding.timeout=3s"));
		api = new Api("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"), platform);
	}

	@AfterAll
	static void stop() throws Exception {
		service.close();
		proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		redis.stop();
	}

	@Test
	void whenTheProxyIsBrieflyDownThenTheJobWaitsAndCompletes() throws Exception {
		proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		JsonNode created = Api.json(api.upload("outage", "/api/sources/uploads", files("proxy", 40)));
		String jobId = created.path("job").path("id").asString();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Api.json(api.get("outage", "/api/jobs/" + jobId)).path("status").asString(),
					"RUNNING"::equals);

		proxy = TestPlatform.startProxy(proxyPort);
		JsonNode job = api.awaitJob("outage", jobId);

		assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.path("progress").path("filesIndexed").asInt()).isEqualTo(40);
	}

	@Test
	void whenAJobWaitingForADownProxyIsCancelledThenItEndsAtOnce() throws Exception {
		proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		JsonNode created = Api.json(api.upload("outage", "/api/sources/uploads", files("cancel", 3)));
		String jobId = created.path("job").path("id").asString();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> Api.json(api.get("outage", "/api/jobs/" + jobId)).path("status").asString(),
					"RUNNING"::equals);

		int accepted = api.postJson("outage", "/api/jobs/" + jobId + "/cancel", "{}").statusCode();

		assertThat(accepted).isEqualTo(202);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> Api.json(api.get("outage", "/api/jobs/" + jobId)).path("status").asString(),
					"CANCELLED"::equals);
		proxy = TestPlatform.startProxy(proxyPort);
	}

	@Test
	void whenRedisIsDownThenAJobIsQueuedOnceItIsBack() throws Exception {
		redis.stop();
		JsonNode created = Api.json(api.upload("outage", "/api/sources/uploads", files("redis", 5)));
		String jobId = created.path("job").path("id").asString();

		redis.start();
		JsonNode job = api.awaitJob("outage", jobId);

		assertThat(created.path("job").path("status").asString()).isEqualTo("QUEUED");
		assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.path("progress").path("filesIndexed").asInt()).isEqualTo(5);
	}

	private static Map<String, byte[]> files(String prefix, int count) {
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			files.put(prefix + "/notes-" + i + ".md", ("# Note " + i + "\n\nThe " + prefix + " outage note number " + i
					+ " says the service must wait and resume.\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		return files;
	}

}
