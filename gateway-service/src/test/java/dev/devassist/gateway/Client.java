package dev.devassist.gateway;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An HTTP client for the gateway's tests: JSON in and out, a cookie jar for login
 * sessions, and the CSRF token sent back the way the web UI sends it.
 */
final class Client {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final String base;

	private final CookieManager cookies = new CookieManager();

	private final HttpClient http;

	private String bearer;

	Client(String base) {
		this.base = base;
		this.http = HttpClient.newBuilder().cookieHandler(this.cookies).connectTimeout(Duration.ofSeconds(5)).build();
	}

	/**
	 * A client that sends an API key with every call.
	 * @param base the gateway
	 * @param key the key
	 * @return the client
	 */
	static Client withKey(String base, String key) {
		Client client = new Client(base);
		client.bearer = key;
		return client;
	}

	/**
	 * Logs in and fetches the CSRF token, as the web UI does.
	 * @param username the user name
	 * @param password the password
	 * @return the answer to the login
	 */
	Answer login(String username, String password) {
		Answer answer = send("POST", "/api/auth/login", Map.of("username", username, "password", password));
		send("GET", "/api/auth/csrf", null);
		return answer;
	}

	Answer get(String path) {
		return send("GET", path, null);
	}

	Answer post(String path, Object body) {
		return send("POST", path, body);
	}

	Answer delete(String path) {
		return send("DELETE", path, null);
	}

	Answer send(String method, String path, Object body) {
		HttpRequest.BodyPublisher publisher = (body == null) ? HttpRequest.BodyPublishers.noBody()
				: HttpRequest.BodyPublishers
					.ofString((body instanceof String text) ? text : JSON.writeValueAsString(body));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, publisher)
			.header("Content-Type", "application/json");
		if (this.bearer != null) {
			request.header("Authorization", "Bearer " + this.bearer);
		}
		String csrf = csrfToken();
		if (csrf != null) {
			request.header("X-XSRF-TOKEN", csrf);
		}
		return send(request.build());
	}

	Answer send(HttpRequest request) {
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return new Answer(response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Uploads one Markdown file as a new source, with an API key.
	 * @param base the gateway
	 * @param key the key, of scope ingest
	 * @param name the file's name
	 * @param content its text
	 * @return rag-service's answer: the source and its first job
	 */
	static JsonNode uploadSource(String base, String key, String name, String content) {
		String boundary = "----devassist" + System.nanoTime();
		String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + name
				+ "\"\r\nContent-Type: text/markdown\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
		Answer answer = new Client(base).send(HttpRequest.newBuilder(URI.create(base + "/api/sources/uploads"))
			.header("Authorization", "Bearer " + key)
			.header("Content-Type", "multipart/form-data; boundary=" + boundary)
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build());
		if (answer.status() != 201) {
			throw new IllegalStateException("The upload was refused: " + answer.response().body());
		}
		return answer.json();
	}

	/**
	 * Forgets the CSRF token but keeps the session, as a forged cross-site form would.
	 */
	void dropCsrfToken() {
		var store = this.cookies.getCookieStore();
		for (HttpCookie cookie : List.copyOf(store.getCookies())) {
			if (cookie.getName().equals("XSRF-TOKEN")) {
				store.remove(URI.create(this.base), cookie);
			}
		}
	}

	private String csrfToken() {
		return this.cookies.getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
			.map(HttpCookie::getValue)
			.findFirst()
			.orElse(null);
	}

	/**
	 * An answer.
	 *
	 * @param response the raw response
	 */
	record Answer(HttpResponse<String> response) {

		int status() {
			return this.response.statusCode();
		}

		JsonNode json() {
			return JSON.readTree(this.response.body());
		}

		String header(String name) {
			return this.response.headers().firstValue(name).orElse(null);
		}

		String contentType() {
			return header("Content-Type");
		}

	}

}
