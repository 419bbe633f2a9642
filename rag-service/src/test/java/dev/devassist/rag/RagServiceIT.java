package dev.devassist.rag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * rag-service end to end over HTTP against real PostgreSQL, Redis and the inference
 * proxy's local embedding model: files go in through the API, come out as cited search
 * hits, and stay within their tenant.
 */
class RagServiceIT {

	static final String PARSER = """
			package demo;

			/** Reads settings. */
			public class SettingsParser {

				/** Parses a JSON document of settings into a map. */
				public Map<String, Object> parseJson(String text) {
					return new ObjectMapper().readValue(text, Map.class);
				}

				/** Sends an e-mail to the administrator. */
				public void notifyAdministrator(String message) {
					mailer.send("admin@example.com", message);
				}

			}
			""";

	static final String GUIDE = """
			# Operations guide

			## Backups

			Backups run every night at two o'clock and are kept for thirty days.

			## Restarts

			Restart a node by draining it first.
			""";

	@TempDir
	static Path data;

	static ConfigurableApplicationContext service;

	static Api api;

	@BeforeAll
	static void start() {
		TestPlatform platform = TestPlatform.get();
		service = new SpringApplicationBuilder(RagServiceApplication.class).run(platform.arguments(data));
		api = new Api("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"), platform);
	}

	@AfterAll
	static void stop() {
		service.close();
	}

	@Test
	void whenFilesAreUploadedThenSearchCitesTheFileAndLinesThatAnswer() {
		JsonNode created = Api.json(api.upload("acme", "/api/sources/uploads",
				Map.of("src/SettingsParser.java", bytes(PARSER), "docs/operations.md", bytes(GUIDE))));
		JsonNode job = api.awaitJob("acme", created.path("job").path("id").asString());

		JsonNode result = Api.json(api.postJson("acme", "/api/search", Map.of("query", "parse a json string")));

		assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
		JsonNode top = result.path("hits").get(0);
		assertThat(top.path("path").asString()).isEqualTo("src/SettingsParser.java");
		// A class that fits the token budget is one chunk, so the citation is the class,
		// which holds the method; whatever the range, the snippet is exactly those lines.
		int start = top.path("startLine").asInt();
		int end = top.path("endLine").asInt();
		assertThat(start).isLessThanOrEqualTo(7);
		assertThat(end).isGreaterThanOrEqualTo(9);
		assertThat(top.path("snippet").asString()).isEqualTo(lines(PARSER, start, end));
		assertThat(top.path("link").asString())
			.endsWith("/files/src/SettingsParser.java?start=" + start + "&end=" + end);
	}

	@Test
	void whenCitedLinesAreOpenedThenTheyAreTheStoredFilesLines() {
		JsonNode created = Api
			.json(api.upload("umbrella", "/api/sources/uploads", Map.of("src/SettingsParser.java", bytes(PARSER))));
		api.awaitJob("umbrella", created.path("job").path("id").asString());
		String sourceId = created.path("source").path("id").asString();

		JsonNode opened = Api
			.json(api.get("umbrella", "/api/sources/" + sourceId + "/files/src/SettingsParser.java?start=7&end=9"));

		assertThat(opened.path("startLine").asInt()).isEqualTo(7);
		assertThat(opened.path("endLine").asInt()).isEqualTo(9);
		assertThat(String.join("\n", opened.path("lines").valueStream().map(JsonNode::asString).toList()))
			.isEqualTo(lines(PARSER, 7, 9));
	}

	@Test
	void whenAnotherTenantSearchesThenItFindsNoneOfTheFirstTenantsFiles() {
		JsonNode created = Api
			.json(api.upload("initech", "/api/sources/uploads", Map.of("docs/operations.md", bytes(GUIDE))));
		api.awaitJob("initech", created.path("job").path("id").asString());
		String sourceId = created.path("source").path("id").asString();

		JsonNode foreign = Api.json(api.postJson("globex", "/api/search", Map.of("query", "when do backups run")));
		HttpResponse<String> foreignSource = api.get("globex", "/api/sources/" + sourceId);
		JsonNode own = Api.json(api.postJson("initech", "/api/search", Map.of("query", "when do backups run")));

		assertThat(foreign.path("hits").size()).isZero();
		assertThat(foreignSource.statusCode()).isEqualTo(404);
		assertThat(own.path("hits").get(0).path("symbol").asString()).contains("Backups");
	}

	@Test
	void whenJobEventsAreStreamedThenTheStreamEndsWithADoneEvent() throws Exception {
		JsonNode created = Api.json(api.upload("stream", "/api/sources/uploads", manyFiles("stream", 60)));
		String jobId = created.path("job").path("id").asString();

		HttpResponse<Stream<String>> response = api.http()
			.send(api.request("stream", "/api/jobs/" + jobId + "/events").header("Accept", "text/event-stream").build(),
					HttpResponse.BodyHandlers.ofLines());
		List<String> events = response.body().filter((line) -> line.startsWith("event:")).toList();
		List<String> data = api.http()
			.send(api.request("stream", "/api/jobs/" + jobId + "/events").build(), HttpResponse.BodyHandlers.ofLines())
			.body()
			.filter((line) -> line.startsWith("data:"))
			.toList();

		assertThat(response.headers().firstValue("content-type")).get().asString().startsWith("text/event-stream");
		assertThat(events).isNotEmpty().last().isEqualTo("event:done");
		assertThat(data).last().asString().contains("\"status\":\"SUCCEEDED\"").contains("\"filesIndexed\":60");
	}

	@Test
	void whenAJobIsCancelledThenItStopsBeforeIndexingEverything() {
		JsonNode created = Api.json(api.upload("cancel", "/api/sources/uploads", manyFiles("cancel", 400)));
		String jobId = created.path("job").path("id").asString();

		HttpResponse<String> cancelled = api.postJson("cancel", "/api/jobs/" + jobId + "/cancel", "{}");
		JsonNode job = api.awaitJob("cancel", jobId);

		assertThat(cancelled.statusCode()).isEqualTo(202);
		assertThat(job.path("status").asString()).isEqualTo("CANCELLED");
		assertThat(job.path("progress").path("filesIndexed").asInt()).isLessThan(400);
		assertThat(api.postJson("cancel", "/api/jobs/" + jobId + "/cancel", "{}").statusCode()).isEqualTo(409);
	}

	@Test
	void whenAJobIsCancelledWhileItWritesThenLaterJobsStillIndex() {
		JsonNode created = Api.json(api.upload("cancel-late", "/api/sources/uploads", manyFiles("late", 600)));
		String jobId = created.path("job").path("id").asString();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> Api.json(api.get("cancel-late", "/api/jobs/" + jobId))
				.path("progress")
				.path("filesIndexed")
				.asInt() > 0);
		api.postJson("cancel-late", "/api/jobs/" + jobId + "/cancel", "{}");
		api.awaitJob("cancel-late", jobId);

		JsonNode next = Api.json(api.upload("cancel-late", "/api/sources/uploads", manyFiles("after", 3)));
		JsonNode job = api.awaitJob("cancel-late", next.path("job").path("id").asString());
		HttpResponse<String> liveness = api.get(null, "/actuator/health/liveness");

		assertThat(job.path("status").asString()).isEqualTo("SUCCEEDED");
		assertThat(job.path("progress").path("filesIndexed").asInt()).isEqualTo(3);
		assertThat(liveness.statusCode()).isEqualTo(200);
		assertThat(liveness.body()).contains("\"UP\"");
	}

	@Test
	void whenContextIsAskedForThenTheSnippetGrowsByThoseLines() {
		JsonNode created = Api
			.json(api.upload("context", "/api/sources/uploads", Map.of("docs/operations.md", bytes(GUIDE))));
		api.awaitJob("context", created.path("job").path("id").asString());

		JsonNode hit = Api.json(api.postJson("context", "/api/search",
				Map.of("query", "restart a node by draining it", "context", 3, "limit", 1)))
			.path("hits")
			.get(0);

		assertThat(hit.path("snippetStartLine").asInt()).isEqualTo(Math.max(1, hit.path("startLine").asInt() - 3));
		assertThat(hit.path("snippetEndLine").asInt()).isEqualTo(hit.path("endLine").asInt());
		assertThat(hit.path("snippet").asString())
			.isEqualTo(lines(GUIDE, hit.path("snippetStartLine").asInt(), hit.path("snippetEndLine").asInt()));
	}

	@Test
	void whenAPdfIsUploadedThenItsTextIsSearchableAndItsCitedLinesOpen() throws Exception {
		JsonNode created = Api.json(api.upload("pdf", "/api/sources/uploads",
				Map.of("reports/incident.pdf",
						pdf("Incident report", "The primary database ran out of disk space at noon.",
								"Mitigation: the archive volume was extended to four terabytes."))));
		api.awaitJob("pdf", created.path("job").path("id").asString());
		String sourceId = created.path("source").path("id").asString();

		JsonNode hit = Api.json(api.postJson("pdf", "/api/search", Map.of("query", "database out of disk space")))
			.path("hits")
			.get(0);
		JsonNode opened = Api.json(api.get("pdf", hit.path("link").asString()));

		assertThat(hit.path("path").asString()).isEqualTo("reports/incident.pdf");
		assertThat(hit.path("snippet").asString()).contains("ran out of disk space");
		assertThat(String.join("\n", opened.path("lines").valueStream().map(JsonNode::asString).toList()))
			.contains("ran out of disk space");
	}

	@Test
	void whenNoTokenIsSentThenSearchIsRefusedAsProblemJson() {
		HttpResponse<String> response = api.postJson(null, "/api/search", Map.of("query", "x"));

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
	}

	static Map<String, byte[]> manyFiles(String prefix, int count) {
		Map<String, byte[]> files = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			files.put(prefix + "/module_" + i + ".py", bytes("def step_" + i + "(state):\n    \"\"\"Advances the "
					+ prefix + " pipeline by stage " + i + ".\"\"\"\n    return state + " + i + "\n"));
		}
		return files;
	}

	static byte[] pdf(String... lines) throws IOException {
		try (PDDocument document = new PDDocument()) {
			PDPage page = new PDPage();
			document.addPage(page);
			try (PDPageContentStream content = new PDPageContentStream(document, page)) {
				content.beginText();
				content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
				content.newLineAtOffset(72, 700);
				for (String line : lines) {
					content.showText(line);
					content.newLineAtOffset(0, -18);
				}
				content.endText();
			}
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			document.save(out);
			return out.toByteArray();
		}
	}

	static String lines(String text, int start, int end) {
		return String.join("\n", List.of(text.split("\n", -1)).subList(start - 1, end));
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
