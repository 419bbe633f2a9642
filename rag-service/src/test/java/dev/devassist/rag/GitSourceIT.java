package dev.devassist.rag;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Git sources against a real repository made with JGit: the first job indexes every file,
 * a sync after a commit re-indexes only what changed and honours deletes and renames, an
 * unchanged repository embeds nothing, and GitLab's push webhook triggers a sync.
 */
class GitSourceIT {

	@TempDir
	static Path data;

	@TempDir
	static Path repositories;

	static ConfigurableApplicationContext service;

	static Api api;

	@BeforeAll
	static void start() {
		TestPlatform platform = TestPlatform.get();
		service = new SpringApplicationBuilder(RagServiceApplication.class)
			.run(platform.arguments(data, "--devassist.rag.ingestion.allowed-local-roots=" + repositories));
		api = new Api("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"), platform);
	}

	@AfterAll
	static void stop() {
		service.close();
	}

	@Test
	void whenRepositoryChangesThenSyncReindexesOnlyTheChangedFilesAndHonoursDeletesAndRenames() throws Exception {
		Path repository = repository("changes");
		write(repository, "src/billing.py",
				"def total_invoice(lines):\n    return sum(line.amount for line in lines)\n");
		write(repository, "src/legacy.py", "def fax_report():\n    raise NotImplementedError('no fax machine')\n");
		write(repository, "src/weather.py", "def forecast_rain(city):\n    return city.clouds > 0.8\n");
		write(repository, "README.md", "# Demo\n\nA small demo repository.\n");
		commit(repository, "first");
		JsonNode created = addRepository(repository);
		String sourceId = created.path("source").path("id").asString();
		JsonNode first = api.awaitJob("acme", created.path("job").path("id").asString());

		write(repository, "src/billing.py", "def total_invoice(lines, tax):\n    return sum(lines) * (1 + tax)\n");
		delete(repository, "src/legacy.py");
		rename(repository, "src/weather.py", "src/climate.py");
		commit(repository, "second");
		JsonNode second = sync(sourceId);

		assertThat(first.path("progress").path("filesIndexed").asInt()).isEqualTo(4);
		assertThat(second.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(second.path("progress").path("filesIndexed").asInt()).isEqualTo(2);
		assertThat(second.path("progress").path("filesDeleted").asInt()).isEqualTo(2);
		assertThat(paths("acme", "fax machine report")).doesNotContain("src/legacy.py");
		assertThat(paths("acme", "forecast rain clouds")).contains("src/climate.py").doesNotContain("src/weather.py");
		assertThat(Api.json(api.get("acme", "/api/sources/" + sourceId)).path("fileCount").asInt()).isEqualTo(3);
	}

	@Test
	void whenRepositoryIsUnchangedThenSyncEmbedsNothing() throws Exception {
		Path repository = repository("unchanged");
		write(repository, "main.go", "package main\n\nfunc main() {\n\tprintln(\"hello\")\n}\n");
		commit(repository, "only");
		JsonNode created = addRepository(repository);
		String sourceId = created.path("source").path("id").asString();
		api.awaitJob("acme", created.path("job").path("id").asString());

		JsonNode again = sync(sourceId);

		assertThat(again.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(again.path("progress").path("chunksEmbedded").asInt()).isZero();
		assertThat(again.path("progress").path("filesIndexed").asInt()).isZero();
	}

	@Test
	void whenGitlabPushesWithTheSecretThenASyncIsQueued() throws Exception {
		Path repository = repository("webhook");
		write(repository, "a.py", "def a():\n    return 1\n");
		commit(repository, "only");
		JsonNode created = addRepository(repository);
		String sourceId = created.path("source").path("id").asString();
		String secret = created.path("webhookSecret").asString();
		api.awaitJob("acme", created.path("job").path("id").asString());

		HttpResponse<String> pushed = api.send(api.request(null, "/api/webhooks/gitlab/" + sourceId)
			.header("X-Gitlab-Token", secret)
			.header("X-Gitlab-Event", "Push Hook")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"ref\":\"refs/heads/master\"}"))
			.build());
		HttpResponse<String> forged = api.send(api.request(null, "/api/webhooks/gitlab/" + sourceId)
			.header("X-Gitlab-Token", secret + "x")
			.header("X-Gitlab-Event", "Push Hook")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build());

		assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
		assertThat(pushed.statusCode()).isEqualTo(202);
		assertThat(api.awaitJob("acme", Api.json(pushed).path("job").asString()).path("status").asString())
			.isEqualTo("SUCCEEDED");
		assertThat(forged.statusCode()).isEqualTo(401);
	}

	private static JsonNode addRepository(Path repository) {
		return Api.json(api.postJson("acme", "/api/sources", Map.of("location", repository.toString())));
	}

	private static JsonNode sync(String sourceId) {
		JsonNode job = Api.json(api.postJson("acme", "/api/sources/" + sourceId + "/sync", "{}"));
		return api.awaitJob("acme", job.path("id").asString());
	}

	private java.util.List<String> paths(String tenant, String query) {
		JsonNode hits = Api.json(api.postJson(tenant, "/api/search", Map.of("query", query, "limit", 20))).path("hits");
		return hits.valueStream().map((hit) -> hit.path("path").asString()).toList();
	}

	private static Path repository(String name) throws GitAPIException {
		Path directory = repositories.resolve(name);
		Git.init().setDirectory(directory.toFile()).setInitialBranch("master").call().close();
		return directory;
	}

	private static void write(Path repository, String path, String text) {
		try {
			Path file = repository.resolve(path);
			Files.createDirectories(file.getParent());
			Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void delete(Path repository, String path) throws IOException {
		Files.delete(repository.resolve(path));
	}

	private static void rename(Path repository, String from, String to) throws IOException {
		Files.move(repository.resolve(from), repository.resolve(to));
	}

	private static void commit(Path repository, String message) throws GitAPIException, IOException {
		try (Git git = Git.open(repository.toFile())) {
			git.add().addFilepattern(".").call();
			git.add().addFilepattern(".").setUpdate(true).call();
			git.commit().setMessage(message).setAuthor("Test", "test@example.com").call();
		}
	}

}
