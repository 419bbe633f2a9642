package dev.devassist.assistant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client of a running service for the integration tests: JSON calls, SSE
 * streams read event by event, and multipart uploads to rag-service.
 */
final class Api {

	static final JsonMapper JSON = JsonMapper.shared();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String base;

	private final TestPlatform platform;

	Api(String base, TestPlatform platform) {
		this.base = base;
		this.platform = platform;
	}

	String base() {
		return this.base;
	}

	HttpResponse<String> get(String tenant, String path) {
		return send(request(tenant, path).GET().build());
	}

	HttpResponse<String> delete(String tenant, String path) {
		return send(request(tenant, path).DELETE().build());
	}

	HttpResponse<String> post(String tenant, String path, Object body) {
		return send(json(request(tenant, path), "POST", body));
	}

	HttpResponse<String> patch(String tenant, String path, Object body) {
		return send(json(request(tenant, path), "PATCH", body));
	}

	HttpResponse<String> put(String tenant, String path, Object body) {
		return send(json(request(tenant, path), "PUT", body));
	}

	/**
	 * Asks and reads the whole event stream, up to its {@code done} event.
	 * @param tenant the caller's tenant
	 * @param body the chat request
	 * @return the events
	 */
	List<JsonNode> chat(String tenant, Object body) {
		try (Events events = stream(tenant, "POST", "/api/chat", body)) {
			return events.untilDone();
		}
	}

	/**
	 * Opens an event stream, to read at the test's own pace.
	 * @param tenant the caller's tenant
	 * @param method the method
	 * @param path the path
	 * @param body the request body, or {@code null}
	 * @return the open stream; closing it drops the connection
	 */
	Events stream(String tenant, String method, String path, Object body) {
		HttpRequest.Builder request = request(tenant, path).header("Accept", "text/event-stream");
		HttpRequest built = (body != null) ? json(request, method, body)
				: request.method(method, HttpRequest.BodyPublishers.noBody()).build();
		try {
			HttpResponse<Stream<String>> response = this.http.send(built, HttpResponse.BodyHandlers.ofLines());
			if (response.statusCode() != 200) {
				String text = String.join("\n", response.body().toList());
				throw new AssertionError("The stream was refused with " + response.statusCode() + ": " + text);
			}
			return new Events(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	HttpResponse<String> upload(String tenant, String base, Map<String, byte[]> files) {
		String boundary = "----devassist" + UUID.randomUUID();
		List<byte[]> parts = new ArrayList<>();
		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			parts.add(
					("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + file.getKey()
							+ "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
						.getBytes(StandardCharsets.UTF_8));
			parts.add(file.getValue());
			parts.add("\r\n".getBytes(StandardCharsets.UTF_8));
		}
		parts.add(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/sources/uploads"))
			.header("Authorization", "Bearer " + this.platform.token(tenant))
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofByteArrays(parts))
			.build();
		return send(request);
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
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(60));
		if (tenant != null) {
			request.header("Authorization", "Bearer " + this.platform.token(tenant));
		}
		return request;
	}

	private static HttpRequest json(HttpRequest.Builder request, String method, Object body) {
		String text = (body instanceof String raw) ? raw : JSON.writeValueAsString(body);
		return request.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(text))
			.build();
	}

	static JsonNode json(HttpResponse<String> response) {
		return JSON.readTree(response.body());
	}

	/**
	 * The events of an SSE stream, read one at a time.
	 */
	static final class Events implements AutoCloseable {

		private final Stream<String> lines;

		private final Iterator<String> iterator;

		Events(Stream<String> lines) {
			this.lines = lines;
			this.iterator = lines.iterator();
		}

		/**
		 * The next event that is not a heartbeat.
		 * @return it, or {@code null} when the stream ended
		 */
		JsonNode next() {
			while (this.iterator.hasNext()) {
				String line = this.iterator.next();
				if (line.startsWith("data:")) {
					JsonNode event = JSON.readTree(line.substring(5).strip());
					if (!event.path("type").asString().equals("heartbeat")) {
						return event;
					}
				}
			}
			return null;
		}

		/**
		 * The next event, heartbeats included.
		 * @return it, or {@code null} when the stream ended
		 */
		JsonNode nextAny() {
			while (this.iterator.hasNext()) {
				String line = this.iterator.next();
				if (line.startsWith("data:")) {
					return JSON.readTree(line.substring(5).strip());
				}
			}
			return null;
		}

		List<JsonNode> untilDone() {
			List<JsonNode> events = new ArrayList<>();
			JsonNode event;
			while ((event = next()) != null) {
				events.add(event);
				if (event.path("type").asString().equals("done")) {
					break;
				}
			}
			return events;
		}

		@Override
		public void close() {
			this.lines.close();
		}

	}

}
