package dev.devassist.rag;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.devassist.rag.chunking.CodeAwareChunker;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.index.EmbeddingSpace;
import dev.devassist.rag.index.IndexHit;
import dev.devassist.rag.index.LuceneChunkIndex;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * rag-service killed with SIGKILL in the middle of an ingestion job, as a lost node would
 * be, then started again: the same job resumes and completes, and the index holds every
 * chunk of every file exactly once.
 */
class IngestionCrashIT {

	private static final Path JAR = Path.of("target", "rag-service.jar");

	private static final int FILES = 300;

	@TempDir
	Path data;

	private Process service;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.service != null) {
			this.service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void whenServiceIsKilledDuringIngestionThenTheJobCompletesAfterRestartWithNoChunkLostOrDuplicated()
			throws Exception {
		TestPlatform platform = TestPlatform.get();
		Map<String, byte[]> files = files();
		int port = TestPlatform.freePort();
		Api api = new Api("http://127.0.0.1:" + port, platform);
		this.service = start(platform, port);
		JsonNode created = Api.json(api.upload("crash", "/api/sources/uploads", files));
		String jobId = created.path("job").path("id").asString();
		String sourceId = created.path("source").path("id").asString();
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> Api.json(api.get("crash", "/api/jobs/" + jobId))
				.path("progress")
				.path("filesIndexed")
				.asInt() >= 30);

		int indexedAtKill = Api.json(api.get("crash", "/api/jobs/" + jobId))
			.path("progress")
			.path("filesIndexed")
			.asInt();
		this.service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		this.service = start(platform, port);
		JsonNode job = api.awaitJob("crash", jobId);
		JsonNode source = Api.json(api.get("crash", "/api/sources/" + sourceId));
		this.service.destroy();
		this.service.waitFor(30, TimeUnit.SECONDS);

		assertThat(indexedAtKill).isBetween(1, FILES - 1);
		assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
		int expected = expectedChunks(files);
		assertThat(source.path("fileCount").asInt()).isEqualTo(FILES);
		assertThat(source.path("chunkCount").asInt()).isEqualTo(expected);
		try (ChunkIndex index = LuceneChunkIndex.open(this.data.resolve("index"),
				new EmbeddingSpace("all-minilm-l6-v2", 384))) {
			assertThat(index.count("crash")).isEqualTo(expected);
			for (String path : files.keySet()) {
				List<IndexHit> chunks = index.fileChunks("crash", sourceId, path);
				assertThat(chunks).as(path).hasSize(new CodeAwareChunker().chunk(path, text(files, path)).size());
			}
		}
	}

	private Process start(TestPlatform platform, int port) throws IOException {
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar", JAR.toString()));
		for (String argument : platform.arguments(this.data, "--devassist.rag.redis.consumer=crash-test")) {
			command.add(argument.startsWith("--server.port=") ? "--server.port=" + port : argument);
		}
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.data.resolve("service.log").toFile()))
			.start();
		TestPlatform.awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		return process;
	}

	private static int expectedChunks(Map<String, byte[]> files) {
		CodeAwareChunker chunker = new CodeAwareChunker();
		int chunks = 0;
		for (String path : files.keySet()) {
			chunks += chunker.chunk(path, text(files, path)).size();
		}
		return chunks;
	}

	private static String text(Map<String, byte[]> files, String path) {
		return new String(files.get(path), StandardCharsets.UTF_8);
	}

	private static Map<String, byte[]> files() {
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (int i = 0; i < FILES; i++) {
			StringBuilder text = new StringBuilder();
			for (int f = 0; f < 3; f++) {
				text.append("def handler_")
					.append(i)
					.append('_')
					.append(f)
					.append("(request, settings):\n")
					.append("    \"\"\"Handles request kind ")
					.append(i)
					.append(" variant ")
					.append(f)
					.append(" by validating its fields, loading the account and writing an audit entry.\"\"\"\n")
					.append("    account = settings.accounts.load(request.account_id)\n")
					.append("    if account is None:\n        raise LookupError('no account ")
					.append(i)
					.append("')\n")
					.append("    settings.audit.write(account, request.kind, ")
					.append(f)
					.append(")\n")
					.append("    return account.balance * ")
					.append(i + f)
					.append("\n\n\n");
			}
			files.put("handlers/h" + i + ".py", text.toString().getBytes(StandardCharsets.UTF_8));
		}
		return files;
	}

}
