package dev.devassist.rag;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * rag-service's HTTP API as its tests call it: real requests, with a tenant's token.
 */
final class Api {

	static final JsonMapper JSON = JsonMapper.builder().build();

	// TODO(#4): find why, over HTTP/2's h2c upgrade that the JDK client offers on a
	// connection's first bodiless request, a request after one the security firewall
	// refused
	// (an encoded slash) got no answer; plugins and the gateway speak HTTP/1.1 meanwhile.
	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String baseUrl;

	private final TestPlatform platform;

	Api(String baseUrl, TestPlatform platform) {
		this.baseUrl = baseUrl;
		this.platform = platform;
	}

	HttpResponse<String> get(String tenant, String path) {
		return send(request(tenant, path).GET().build());
	}

	HttpResponse<String> delete(String tenant, String path) {
		return send(request(tenant, path).DELETE().build());
	}

	HttpResponse<String> postJson(String tenant, String path, Object body) {
		String json = (body instanceof String text) ? text : JSON.writeValueAsString(body);
		return send(request(tenant, path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	HttpResponse<String> upload(String tenant, String path, Map<String, byte[]> files) {
		String boundary = "----devassist" + UUID.randomUUID();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
					+ file.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
			body.writeBytes(file.getValue());
			write(body, "\r\n");
		}
		write(body, "--" + boundary + "--\r\n");
		return send(request(tenant, path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
			.build());
	}

	HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	HttpRequest.Builder request(String tenant, String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.baseUrl + path))
			.timeout(Duration.ofSeconds(60));
		return (tenant != null) ? request.header("Authorization", "Bearer " + this.platform.token(tenant)) : request;
	}

	HttpClient http() {
		return this.http;
	}

	String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * Waits until a job has ended, and returns it.
	 * @param tenant the tenant
	 * @param jobId the job
	 * @return the job, ended
	 */
	JsonNode awaitJob(String tenant, String jobId) {
		JsonNode[] job = new JsonNode[1];
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
			job[0] = json(get(tenant, "/api/jobs/" + jobId));
			return job[0].path("status").asString().matches("SUCCEEDED|FAILED|CANCELLED");
		});
		return job[0];
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	private static void write(ByteArrayOutputStream out, String text) {
		out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
	}

}
