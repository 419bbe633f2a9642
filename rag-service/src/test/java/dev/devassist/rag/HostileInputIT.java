package dev.devassist.rag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input against a real rag-service: every refusal is a 4xx problem that says what
 * was wrong, nothing hostile is stored, and the service keeps serving.
 */
class HostileInputIT {

	@TempDir
	static Path data;

	@TempDir
	static Path allowedRoot;

	static ConfigurableApplicationContext service;

	static Api api;

	@BeforeAll
	static void start() {
		TestPlatform platform = TestPlatform.get();
		service = new SpringApplicationBuilder(RagServiceApplication.class)
			.run(platform.arguments(data, "--devassist.rag.ingestion.max-file-size=1MB",
					"--devassist.rag.ingestion.max-extracted-size=4MB", "--devassist.rag.ingestion.max-upload-size=8MB",
					"--devassist.rag.ingestion.allowed-local-roots=" + allowedRoot));
		api = new Api("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"), platform);
	}

	@AfterAll
	static void stop() {
		service.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "../escape.txt", "a/../../escape.txt", "/etc/passwd", "C:/windows/win.ini",
			"dir\\\\file.txt", "bad\u0001name.txt" })
	void whenFileNameLeavesTheSourceThenUploadIsRefusedNamingTheFile(String name) {
		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads", Map.of(name, bytes("hello")));

		assertProblem(response, 400, "files");
	}

	@Test
	void whenArchiveEntryClimbsOutThenUploadIsRefused() {
		byte[] zip = zip(Map.of("ok.txt", bytes("fine"), "../../etc/cron.d/evil", bytes("* * * * * root rm -rf /")));

		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads", Map.of("bundle.zip", zip));

		assertProblem(response, 400, "files");
		assertThat(Api.json(response).path("detail").asString()).contains("'..'");
	}

	@Test
	void whenArchiveExpandsBeyondTheLimitThenUploadIsRefusedAsAZipBomb() {
		byte[] text = "a".repeat(900 * 1024).getBytes(StandardCharsets.US_ASCII);
		byte[] zip = zip(Map.of("a.txt", text, "b.txt", text, "c.txt", text, "d.txt", text, "e.txt", text));

		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads", Map.of("bomb.zip", zip));

		assertThat(zip.length).isLessThan(100_000);
		assertProblem(response, 422, "files");
		assertThat(Api.json(response).path("detail").asString()).contains("expands to more than");
	}

	@Test
	void whenFileIsLargerThanTheLimitThenUploadIsRefusedWith413() {
		byte[] large = "x".repeat(1_200_000).getBytes(StandardCharsets.US_ASCII);

		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads", Map.of("large.txt", large));

		assertProblem(response, 413, "files");
	}

	@ParameterizedTest
	@ValueSource(strings = { "tool.exe", "photo.png", "library.so", "data.unknownext" })
	void whenFileTypeCannotBeIndexedThenUploadIsRefusedWith415(String name) {
		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads",
				Map.of(name, bytes("MZ\u0000\u0001")));

		assertProblem(response, 415, "files");
	}

	@Test
	void whenPdfIsMalformedThenUploadIsRefusedWith422() {
		byte[] pdf = bytes("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage without end");

		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads", Map.of("broken.pdf", pdf));

		assertProblem(response, 422, "files");
	}

	@Test
	void whenTextFileHoldsBinaryThenUploadIsRefused() {
		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads",
				Map.of("notes.txt", new byte[] { 'a', 0, 0, 1, 2 }));

		assertProblem(response, 422, "files");
	}

	@Test
	void whenUploadHasNoFilesThenItIsRefused() {
		HttpResponse<String> response = api.upload("acme", "/api/sources/uploads", Map.of());

		assertThat(response.statusCode()).isEqualTo(400);
	}

	@ParameterizedTest
	@ValueSource(strings = { "file:///etc", "/etc", "/tmp", "https://127.0.0.1/repo.git", "https://localhost/repo.git",
			"https://169.254.169.254/latest/meta-data", "https://[::1]/repo.git", "https://10.1.2.3/repo.git",
			"https://192.168.0.10/repo.git", "ssh://git@example.com/repo.git", "git://example.com/repo.git",
			"http://example.com/repo.git", "https://user:secret@example.com/repo.git", "ext::sh -c touch% /tmp/pwned",
			"" })
	void whenGitLocationIsNotAllowedThenSourceIsRefusedNamingTheField(String location) {
		HttpResponse<String> response = api.postJson("acme", "/api/sources", Map.of("location", location));

		assertProblem(response, 400, "location");
	}

	@Test
	void whenGitBranchIsHostileThenSourceIsRefused() {
		HttpResponse<String> response = api.postJson("acme", "/api/sources",
				Map.of("location", allowedRoot.toString(), "branch", "--upload-pack=evil"));

		assertProblem(response, 400, "branch");
	}

	@Test
	void whenJsonIsMalformedThenTheRequestIsRefusedWith400() {
		HttpResponse<String> response = api.postJson("acme", "/api/search", "{\"query\": \"unterminated");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
	}

	@Test
	void whenSearchFieldsAreInvalidThenEachIsNamed() {
		List<Object[]> cases = List.of(new Object[] { Map.of("query", "  "), "query" },
				new Object[] { Map.of("query", "x".repeat(5000)), "query" },
				new Object[] { Map.of("query", "x", "limit", 0), "limit" },
				new Object[] { Map.of("query", "x", "limit", 100_000), "limit" },
				new Object[] { Map.of("query", "x", "path", "src/{a,b"), "path" },
				new Object[] { Map.of("query", "x", "denseWeight", 2), "denseWeight" },
				new Object[] { Map.of("query", "x", "context", -1), "context" },
				new Object[] { Map.of("query", "x", "sources", List.of("' or 1=1 --")), "sources" },
				new Object[] { Map.of("query", "x", "languages", List.of("<script>")), "languages" });

		for (Object[] invalid : cases) {
			assertProblem(api.postJson("acme", "/api/search", invalid[0]), 400, (String) invalid[1]);
		}
	}

	@Test
	void whenWebhookTokenIsWrongOrMissingThenItIsRefusedAlike() {
		HttpResponse<String> missing = api.send(api.request(null, "/api/webhooks/gitlab/src_unknown")
			.header("X-Gitlab-Event", "Push Hook")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
			.build());
		HttpResponse<String> wrong = api.send(api.request(null, "/api/webhooks/gitlab/src_unknown")
			.header("X-Gitlab-Token", "guess")
			.header("X-Gitlab-Event", "Push Hook")
			.header("Content-Type", "application/json")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"))
			.build());

		assertThat(missing.statusCode()).isEqualTo(401);
		assertThat(wrong.statusCode()).isEqualTo(401);
	}

	@Test
	void whenAnotherTenantNamesASourceOrJobThenItIsNotFound() {
		JsonNode created = Api.json(api.upload("acme", "/api/sources/uploads", Map.of("a.md", bytes("# A\n\ntext"))));
		String sourceId = created.path("source").path("id").asString();
		String jobId = created.path("job").path("id").asString();

		assertThat(api.get("globex", "/api/sources/" + sourceId).statusCode()).isEqualTo(404);
		assertThat(api.get("globex", "/api/sources/" + sourceId + "/documents").statusCode()).isEqualTo(404);
		assertThat(api.get("globex", "/api/sources/" + sourceId + "/files/a.md").statusCode()).isEqualTo(404);
		assertThat(api.get("globex", "/api/jobs/" + jobId).statusCode()).isEqualTo(404);
		assertThat(api.postJson("globex", "/api/jobs/" + jobId + "/cancel", "{}").statusCode()).isEqualTo(404);
		assertThat(api.postJson("globex", "/api/sources/" + sourceId + "/sync", "{}").statusCode()).isEqualTo(404);
		assertThat(api.delete("globex", "/api/sources/" + sourceId).statusCode()).isEqualTo(404);
		assertThat(api.get("acme", "/api/sources/" + sourceId).statusCode()).isEqualTo(200);
	}

	@Test
	void whenFilePathClimbsOutThenNothingOutsideTheSourceIsRead() {
		JsonNode created = Api.json(api.upload("acme", "/api/sources/uploads", Map.of("b.md", bytes("# B\n\ntext"))));
		String sourceId = created.path("source").path("id").asString();

		HttpResponse<String> response = api.get("acme", "/api/sources/" + sourceId + "/files/..%2F..%2Fetc%2Fpasswd");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
		assertThat(response.body()).doesNotContain("root:");
	}

	private static void assertProblem(HttpResponse<String> response, int status, String field) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
		JsonNode problem = Api.json(response);
		assertThat(problem.path("field").asString()).as(response.body()).isEqualTo(field);
		assertThat(problem.path("detail").asString()).isNotBlank();
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static byte[] zip(Map<String, byte[]> entries) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (ZipOutputStream zip = new ZipOutputStream(out)) {
			for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(entry.getKey()));
				zip.write(entry.getValue());
				zip.closeEntry();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
