package dev.devassist.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * rag-service's API as the harnesses call it, with a token that it renews by running a
 * command (such as {@code ./devassist token}) before the old one runs out.
 */
final class RagClient {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration RENEW_AFTER = Duration.ofMinutes(10);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String baseUrl;

	private final List<String> tokenCommand;

	private String token;

	private Instant tokenAt = Instant.MIN;

	RagClient(String baseUrl, String tokenCommand) {
		this.baseUrl = baseUrl;
		this.tokenCommand = List.of(tokenCommand.split(" "));
	}

	JsonNode get(String path) {
		return send(request(path).GET().build(), 200);
	}

	void delete(String path) {
		send(request(path).DELETE().build(), 204);
	}

	JsonNode post(String path, Object body) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
			.build(), 0);
	}

	JsonNode upload(String path, Map<String, byte[]> files, String name) {
		String boundary = "----bench" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		if (name != null) {
			body.writeBytes(
					("--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n" + name + "\r\n")
						.getBytes(StandardCharsets.UTF_8));
		}
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			body.writeBytes(
					("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + file.getKey()
							+ "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
						.getBytes(StandardCharsets.UTF_8));
			body.writeBytes(file.getValue());
			body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
		}
		body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build(), 0);
	}

	/**
	 * Uploads files into one new source, so many per request, and waits for every job.
	 * @param files the files, by path
	 * @param name the source's name
	 * @param perRequest files per multipart request
	 * @return the source and the chunks its jobs embedded
	 */
	Uploaded uploadAll(Map<String, byte[]> files, String name, int perRequest) {
		String sourceId = null;
		List<String> jobs = new ArrayList<>();
		Map<String, byte[]> batch = new LinkedHashMap<>();
		int remaining = files.size();
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			batch.put(file.getKey(), file.getValue());
			remaining--;
			if (batch.size() < perRequest && remaining > 0) {
				continue;
			}
			if (sourceId == null) {
				JsonNode created = upload("/api/sources/uploads", batch, name);
				sourceId = created.path("source").path("id").asString();
				jobs.add(created.path("job").path("id").asString());
			}
			else {
				String job = upload("/api/sources/" + sourceId + "/files", batch, null).path("id").asString();
				if (!jobs.contains(job)) {
					jobs.add(job);
				}
			}
			batch.clear();
		}
		long chunks = 0;
		for (String job : jobs) {
			JsonNode ended = awaitJob(job);
			if (!ended.path("status").asString().equals("SUCCEEDED")) {
				throw new IllegalStateException("Ingestion job " + job + " ended " + ended);
			}
			chunks += ended.path("progress").path("chunksEmbedded").asLong();
		}
		return new Uploaded(sourceId, chunks);
	}

	/**
	 * Waits until a job has ended.
	 * @param jobId the job
	 * @return the job
	 */
	JsonNode awaitJob(String jobId) {
		while (true) {
			JsonNode job = get("/api/jobs/" + jobId);
			String status = job.path("status").asString();
			if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
				return job;
			}
			pause(Duration.ofMillis(500));
		}
	}

	private JsonNode send(HttpRequest request, int expected) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			boolean ok = (expected == 0) ? response.statusCode() / 100 == 2 : response.statusCode() == expected;
			if (!ok) {
				throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
						+ response.statusCode() + ": " + response.body());
			}
			return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofMinutes(5))
			.header("Authorization", "Bearer " + token());
	}

	synchronized String token() {
		if (Duration.between(this.tokenAt, Instant.now()).compareTo(RENEW_AFTER) < 0) {
			return this.token;
		}
		try {
			Process process = new ProcessBuilder(this.tokenCommand).redirectError(ProcessBuilder.Redirect.INHERIT)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
			if (process.waitFor() != 0 || output.isEmpty()) {
				throw new IllegalStateException("The token command " + this.tokenCommand + " failed");
			}
			this.token = output;
			this.tokenAt = Instant.now();
			return this.token;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Files uploaded into a source and ingested.
	 *
	 * @param sourceId the source
	 * @param chunks the chunks its jobs embedded
	 */
	record Uploaded(String sourceId, long chunks) {
	}

}
