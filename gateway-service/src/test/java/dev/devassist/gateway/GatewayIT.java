package dev.devassist.gateway;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway in front of a real rag-service, with real PostgreSQL and Redis: who gets
 * in, with what, how often, and what the services receive.
 */
class GatewayIT {

	private static GatewayPlatform platform;

	private static String gateway;

	private static Client admin;

	@BeforeAll
	static void start() {
		platform = GatewayPlatform.get();
		gateway = platform.startGateway();
		admin = new Client(gateway);
		assertThat(admin.login("admin", GatewayPlatform.ADMIN_PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void whenHealthIsAskedForThenItNeedsNoCredentials() {
		Client.Answer answer = new Client(gateway).get("/actuator/health/readiness");

		assertThat(answer.status()).isEqualTo(200);
	}

	@Test
	void whenAnyRouteIsCalledWithoutCredentialsThenItIsRefusedAsAProblem() {
		Client anonymous = new Client(gateway);

		for (String path : List.of("/api/sources", "/api/search?q=x", "/api/jobs", "/api/conversations",
				"/api/chat/turn_1/events", "/v1/models", "/api/keys", "/api/admin/users", "/api/auth/me",
				"/actuator/prometheus", "/ws/chat", "/anything/else")) {
			Client.Answer answer = anonymous.get(path);

			assertThat(answer.status()).as(path).isEqualTo(401);
			assertThat(answer.contentType()).as(path).startsWith("application/problem+json");
			assertThat(answer.header("WWW-Authenticate")).as(path).isEqualTo("Bearer");
		}
	}

	@Test
	void whenTheAdminLogsInThenTheSessionKnowsTheirTenantRolesAndScopes() {
		JsonNode me = admin.get("/api/auth/me").json();

		assertThat(me.path("username").asString()).isEqualTo("admin");
		assertThat(me.path("tenant").asString()).startsWith("ten_");
		assertThat(me.path("roles").toString()).contains("admin");
		assertThat(me.path("scopes").toString()).contains("chat", "search", "ingest", "admin");
	}

	@Test
	void whenTheLoginIsWrongThenTheAnswerDoesNotSayWhichPartWas() {
		Client.Answer badPassword = new Client(gateway).post("/api/auth/login",
				Map.of("username", "admin", "password", "wrong password"));
		Client.Answer unknownUser = new Client(gateway).post("/api/auth/login",
				Map.of("username", "nobody-" + UUID.randomUUID(), "password", "wrong password"));

		assertThat(badPassword.status()).isEqualTo(401);
		assertThat(unknownUser.status()).isEqualTo(401);
		assertThat(badPassword.json().path("detail")).isEqualTo(unknownUser.json().path("detail"));
	}

	@Test
	void whenAKeyIsCreatedThenItsSecretIsShownOnceAndItReachesRagService() {
		JsonNode created = createKey(admin, "search", "ingest");
		String secret = created.path("secret").asString();
		Client withKey = Client.withKey(gateway, secret);

		Client.Answer sources = withKey.get("/api/sources");
		Client.Answer refused = withKey.post("/api/sources", Map.of("location", "/definitely/not/allowed"));
		JsonNode listed = admin.get("/api/keys").json();

		assertThat(secret).startsWith("dak_").hasSize(47);
		assertThat(sources.status()).isEqualTo(200);
		assertThat(sources.json().isArray()).isTrue();
		assertThat(refused.status()).isEqualTo(400);
		assertThat(refused.json().path("detail").asString()).contains("allowed");
		assertThat(listed.toString()).contains(created.path("key").path("id").asString()).doesNotContain(secret);
	}

	@Test
	void whenAKeyIsRevokedThenEveryGatewayRefusesItAtOnce() {
		String second = platform.startGateway();
		JsonNode created = createKey(admin, "search");
		String secret = created.path("secret").asString();
		assertThat(Client.withKey(gateway, secret).get("/api/sources").status()).isEqualTo(200);
		assertThat(Client.withKey(second, secret).get("/api/sources").status()).isEqualTo(200);

		Client.Answer revoked = admin.delete("/api/keys/" + created.path("key").path("id").asString());

		assertThat(revoked.status()).isEqualTo(204);
		assertThat(Client.withKey(gateway, secret).get("/api/sources").status()).isEqualTo(401);
		await().atMost(Duration.ofSeconds(1))
			.untilAsserted(
					() -> assertThat(Client.withKey(second, secret).get("/api/sources").status()).isEqualTo(401));
	}

	@Test
	void whenAKeyHasExpiredThenItIsRefused() throws Exception {
		String secret = "dak_" + Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(UUID.randomUUID().toString().substring(0, 32).getBytes(StandardCharsets.US_ASCII));
		JsonNode me = admin.get("/api/auth/me").json();
		try (Connection connection = DriverManager.getConnection(platform.jdbcUrl(), "postgres", "");
				PreparedStatement insert = connection.prepareStatement("insert into gateway.api_key (id, tenant_id, "
						+ "user_id, name, prefix, secret_hash, scopes, expires_at) values (?, ?, ?, 'old', ?, ?, "
						+ "array['search'], now() - interval '1 minute')")) {
			insert.setString(1, "key_expired_" + UUID.randomUUID());
			insert.setString(2, me.path("tenant").asString());
			insert.setString(3, me.path("userId").asString());
			insert.setString(4, secret.substring(0, 12));
			insert.setBytes(5, MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
			insert.executeUpdate();
		}

		Client.Answer answer = Client.withKey(gateway, secret).get("/api/sources");

		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.header("WWW-Authenticate")).contains("invalid_token");
	}

	@Test
	void whenAKeyLacksTheRoutesScopeThenTheCallIsForbidden() {
		Client searchOnly = Client.withKey(gateway, createKey(admin, "search").path("secret").asString());

		assertThat(searchOnly.get("/api/sources").status()).isEqualTo(200);
		assertThat(searchOnly.post("/api/sources", Map.of("location", "/tmp")).status()).isEqualTo(403);
		assertThat(searchOnly.get("/api/conversations").status()).isEqualTo(403);
		assertThat(searchOnly.get("/v1/models").status()).isEqualTo(403);
		assertThat(searchOnly.get("/api/admin/users").status()).isEqualTo(403);
		assertThat(searchOnly.get("/api/keys").status()).isEqualTo(403);
	}

	@Test
	void whenAMemberAsksForAKeyWithTheAdminScopeThenTheFieldIsRefused() {
		String name = "member-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode made = admin.post("/api/admin/users", Map.of("username", name)).json();
		Client member = new Client(gateway);
		member.login(name, made.path("password").asString());

		Client.Answer answer = member.post("/api/keys", Map.of("name", "mine", "scopes", List.of("chat", "admin")));

		assertThat(answer.status()).isEqualTo(400);
		assertThat(answer.json().path("field").asString()).isEqualTo("scopes");
		assertThat(member.get("/api/admin/users").status()).isEqualTo(403);
	}

	@Test
	void whenAUserIsDisabledThenTheirKeysStopWorkingAtOnce() {
		String name = "leaver-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode made = admin.post("/api/admin/users", Map.of("username", name)).json();
		Client leaver = new Client(gateway);
		leaver.login(name, made.path("password").asString());
		String secret = createKey(leaver, "search").path("secret").asString();
		assertThat(Client.withKey(gateway, secret).get("/api/sources").status()).isEqualTo(200);

		Client.Answer disabled = admin.send("PATCH", "/api/admin/users/" + made.path("account").path("id").asString(),
				Map.of("disabled", true));

		assertThat(disabled.status()).isEqualTo(200);
		assertThat(Client.withKey(gateway, secret).get("/api/sources").status()).isEqualTo(401);
	}

	@Test
	void whenAUserIsDisabledThenTheirSessionsEndAtOnceOnEveryGateway() {
		String second = platform.startGateway();
		String name = "session-leaver-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode made = admin.post("/api/admin/users", Map.of("username", name)).json();
		String id = made.path("account").path("id").asString();
		Client here = new Client(gateway);
		Client there = new Client(second);
		here.login(name, made.path("password").asString());
		there.login(name, made.path("password").asString());
		assertThat(here.get("/api/auth/me").status()).isEqualTo(200);
		assertThat(there.get("/api/auth/me").status()).isEqualTo(200);

		assertThat(admin.send("PATCH", "/api/admin/users/" + id, Map.of("disabled", true)).status()).isEqualTo(200);

		assertThat(here.get("/api/auth/me").status()).isEqualTo(401);
		await().atMost(Duration.ofSeconds(1))
			.untilAsserted(() -> assertThat(there.get("/api/auth/me").status()).isEqualTo(401));
		// Enabled again, the user must log in anew: the ended sessions stay ended.
		assertThat(admin.send("PATCH", "/api/admin/users/" + id, Map.of("disabled", false)).status()).isEqualTo(200);
		assertThat(here.get("/api/auth/me").status()).isEqualTo(401);
		assertThat(here.login(name, made.path("password").asString()).status()).isEqualTo(200);
	}

	@Test
	void whenAUserChangesTheirPasswordThenOnlyTheNewOneLogsIn() {
		String name = "changer-" + UUID.randomUUID().toString().substring(0, 8);
		JsonNode made = admin.post("/api/admin/users", Map.of("username", name)).json();
		String first = made.path("password").asString();
		Client user = new Client(gateway);
		user.login(name, first);

		Client.Answer wrong = user.post("/api/auth/password",
				Map.of("currentPassword", "not it at all", "newPassword", "a much longer secret"));
		Client.Answer shortOne = user.post("/api/auth/password",
				Map.of("currentPassword", first, "newPassword", "short"));
		Client.Answer changed = user.post("/api/auth/password",
				Map.of("currentPassword", first, "newPassword", "a much longer secret"));

		assertThat(wrong.json().path("field").asString()).isEqualTo("currentPassword");
		assertThat(shortOne.json().path("field").asString()).isEqualTo("newPassword");
		assertThat(changed.status()).isEqualTo(204);
		assertThat(new Client(gateway).login(name, first).status()).isEqualTo(401);
		assertThat(new Client(gateway).login(name, "a much longer secret").status()).isEqualTo(200);
	}

	@Test
	void whenASessionChangesSomethingWithoutItsCsrfTokenThenItIsRefused() {
		Client session = new Client(gateway);
		session.login("admin", GatewayPlatform.ADMIN_PASSWORD);
		session.dropCsrfToken();

		Client.Answer answer = session.post("/api/keys", Map.of("name", "forged", "scopes", List.of("chat")));

		assertThat(answer.status()).isEqualTo(403);
		assertThat(createKey(admin, "chat").path("secret").asString()).startsWith("dak_");
	}

	@Test
	void whenAKeyCallsFasterThanItsLimitThenItGets429WithRetryAfter() {
		String limited = platform.startGateway("--devassist.gateway.rate-limit.key-rate=1",
				"--devassist.gateway.rate-limit.key-burst=3");
		Client withKey = Client.withKey(limited, createKey(admin, "search").path("secret").asString());

		List<Client.Answer> answers = java.util.stream.IntStream.range(0, 8)
			.mapToObj((i) -> withKey.get("/api/sources"))
			.toList();

		assertThat(answers.stream().filter((answer) -> answer.status() == 200).count()).isBetween(3L, 4L);
		Client.Answer refused = answers.get(answers.size() - 1);
		assertThat(refused.status()).isEqualTo(429);
		assertThat(refused.header("Retry-After")).isEqualTo("1");
		assertThat(refused.contentType()).startsWith("application/problem+json");
		assertThat(answers.get(0).header("X-RateLimit-Remaining")).isNotNull();
	}

	@Test
	void whenManyCallersShareAKeyOnTwoGatewaysAtOnceThenTheBucketStillHolds() throws Exception {
		String[] flags = { "--devassist.gateway.rate-limit.key-rate=1", "--devassist.gateway.rate-limit.key-burst=10",
				"--devassist.gateway.rate-limit.user-rate=1000", "--devassist.gateway.rate-limit.user-burst=1000" };
		List<String> gateways = List.of(platform.startGateway(flags), platform.startGateway(flags));
		String secret = createKey(admin, "search").path("secret").asString();
		int callers = 16;
		int each = 5;

		long started = System.nanoTime();
		List<Integer> statuses;
		try (var pool = java.util.concurrent.Executors.newFixedThreadPool(callers)) {
			List<java.util.concurrent.Future<List<Integer>>> futures = new java.util.ArrayList<>();
			for (int c = 0; c < callers; c++) {
				Client client = Client.withKey(gateways.get(c % 2), secret);
				futures.add(pool.submit(() -> java.util.stream.IntStream.range(0, each)
					.mapToObj((i) -> client.get("/api/sources").status())
					.toList()));
			}
			statuses = new java.util.ArrayList<>();
			for (var future : futures) {
				statuses.addAll(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
			}
		}
		double seconds = (System.nanoTime() - started) / 1e9;

		long admitted = statuses.stream().filter((status) -> status == 200).count();
		assertThat(statuses).hasSize(callers * each).allMatch((status) -> status == 200 || status == 429);
		// The burst, plus one token a second while the calls went on, and not one more.
		assertThat(admitted).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(10 + (long) Math.ceil(seconds) + 1);
	}

	@Test
	void whenAPageOfAnAllowedOriginCallsWithAKeyThenCorsLetsItAndNoOtherOrigin() throws Exception {
		String open = platform.startGateway("--devassist.gateway.cors.allowed-origins=https://ide.example.com");
		String secret = createKey(admin, "search").path("secret").asString();
		HttpClient http = HttpClient.newHttpClient();

		HttpResponse<String> allowed = http.send(preflight(open, "https://ide.example.com"),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> stranger = http.send(preflight(open, "https://evil.example.com"),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> closed = http.send(preflight(gateway, "https://ide.example.com"),
				HttpResponse.BodyHandlers.ofString());
		HttpResponse<String> call = http.send(HttpRequest.newBuilder(URI.create(open + "/api/sources"))
			.header("Origin", "https://ide.example.com")
			.header("Authorization", "Bearer " + secret)
			.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ide.example.com");
		assertThat(allowed.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
		assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
			.contains("authorization");
		assertThat(stranger.statusCode()).isEqualTo(403);
		assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(closed.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(call.statusCode()).isEqualTo(200);
		assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ide.example.com");
		assertThat(call.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
			.contains("X-RateLimit-Remaining");
	}

	private static HttpRequest preflight(String base, String origin) {
		return HttpRequest.newBuilder(URI.create(base + "/api/search"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.header("Origin", origin)
			.header("Access-Control-Request-Method", "POST")
			.header("Access-Control-Request-Headers", "authorization, content-type")
			.build();
	}

	@Test
	void whenTheApiIsDescribedThenOneDocumentCoversTheGatewayAndEachServiceWithEveryReferenceResolved() {
		Client.Answer docs = admin.get("/api/docs");
		Client.Answer anonymous = new Client(gateway).get("/api/docs");

		assertThat(docs.status()).isEqualTo(200);
		JsonNode whole = docs.json();
		JsonNode paths = whole.path("paths");
		assertThat(paths.path("/api/keys").path("post").path("x-devassist-service").asString())
			.isEqualTo("gateway-service");
		assertThat(paths.path("/api/conversations").path("get").path("x-devassist-service").asString())
			.isEqualTo("assistant-service");
		assertThat(paths.path("/api/search").path("post").path("x-devassist-service").asString())
			.isEqualTo("rag-service");
		assertThat(paths.has("/actuator/health")).isFalse();
		assertThat(whole.has("x-devassist-unavailable")).isFalse();
		List<String> references = new java.util.ArrayList<>();
		collectReferences(whole, references);
		assertThat(references).isNotEmpty()
			.allSatisfy((reference) -> assertThat(
					whole.path("components").path("schemas").has(reference.substring("#/components/schemas/".length())))
				.as(reference)
				.isTrue());
		assertThat(anonymous.status()).isEqualTo(401);
	}

	private static void collectReferences(JsonNode node, List<String> into) {
		if (node.isObject() && node.has("$ref")) {
			into.add(node.path("$ref").asString());
		}
		node.forEach((child) -> collectReferences(child, into));
	}

	@Test
	void whenBodiesAreMalformedOrOversizedThenTheCallerGetsAClear4xx() {
		Client withKey = Client.withKey(gateway, createKey(admin, "search").path("secret").asString());
		String huge = "{\"query\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}";

		Client.Answer malformed = new Client(gateway).post("/api/auth/login", "{\"username\": ");
		Client.Answer wrongType = new Client(gateway).post("/api/auth/login", "[1, 2]");
		Client.Answer oversized = withKey.post("/api/search", huge);
		Client.Answer chunked = withKey.send(HttpRequest.newBuilder(URI.create(gateway + "/api/search"))
			.header("Authorization", "Bearer " + createKey(admin, "search").path("secret").asString())
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofInputStream(() -> new java.io.ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))))
			.build());

		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.contentType()).startsWith("application/problem+json");
		assertThat(wrongType.status()).isEqualTo(400);
		assertThat(oversized.status()).isEqualTo(413);
		assertThat(oversized.json().path("detail").asString()).contains("at most");
		assertThat(chunked.status()).isEqualTo(413);
	}

	@Test
	void whenTheServiceBehindARouteIsDownThenTheCallerGetsA503Problem() {
		String broken = platform
			.startGateway("--devassist.gateway.routes.assistant-url=http://127.0.0.1:" + GatewayPlatform.freePort());
		Client withKey = Client.withKey(broken, createKey(admin, "chat").path("secret").asString());

		Client.Answer answer = withKey.get("/api/conversations");

		assertThat(answer.status()).isEqualTo(503);
		assertThat(answer.contentType()).startsWith("application/problem+json");
		assertThat(answer.json().path("requestId").asString()).isNotBlank();
	}

	@Test
	void whenARequestIdIsGivenThenItIsKeptAndAHostileOneIsReplaced() throws Exception {
		String secret = createKey(admin, "search").path("secret").asString();
		Client.Answer kept = Client.withKey(gateway, secret)
			.send(HttpRequest.newBuilder(URI.create(gateway + "/api/sources"))
				.header("Authorization", "Bearer " + secret)
				.header("X-Request-Id", "trace-me-123")
				.build());

		String raw = rawGet("/api/sources", "Authorization: Bearer " + secret + "\r\nX-Request-Id: a\rInjected: b");

		assertThat(kept.status()).isEqualTo(200);
		assertThat(kept.response().headers().allValues("X-Request-Id")).containsExactly("trace-me-123");
		assertThat(raw).startsWith("HTTP/1.1 400").doesNotContain("Injected");
	}

	@Test
	void whenSomethingOtherThanAnApiKeyIsSentAsBearerThenTheGatewayRefusesIt() {
		String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
				+ ".e30.";

		Client.Answer jwt = Client.withKey(gateway, forged).get("/api/sources");
		Client.Answer basic = new Client(gateway).send(HttpRequest.newBuilder(URI.create(gateway + "/api/sources"))
			.header("Authorization", "Basic YWRtaW46YWRtaW4=")
			.build());

		assertThat(jwt.status()).isEqualTo(401);
		assertThat(basic.status()).isEqualTo(401);
		assertThat(basic.json().path("detail").asString()).contains("Bearer");
	}

	@Test
	void whenGitLabCallsAWebhookThenItIsRoutedWithoutCredentialsForRagServiceToCheck() {
		Client.Answer answer = new Client(gateway).post("/api/webhooks/gitlab/src_unknown", "{}");

		assertThat(answer.status()).isEqualTo(401);
		assertThat(answer.json().path("type").asString()).endsWith("webhook-token");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void whenCallsAreMadeThenEachIsLoggedOnceWithItsCallerAndNeverItsQueryOrKey(CapturedOutput output) {
		String logged = platform.startGateway("--logging.level.devassist.access=INFO",
				"--logging.structured.format.console=ecs");
		JsonNode created = createKey(admin, "search");
		String secret = created.path("secret").asString();
		String keyId = created.path("key").path("id").asString();

		Client.withKey(logged, secret).get("/api/sources?secret=hunter2");
		new Client(logged).get("/api/sources?token=hunter3");

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(output.getOut().lines().filter((line) -> line.contains(keyId))).singleElement()
				.satisfies((line) -> assertThat(line).contains("GET /api/sources 200"));
			assertThat(output.getOut()).containsPattern("GET /api/sources 401 \\d+ us, anonymous");
		});
		assertThat(output.getOut()).doesNotContain("hunter2").doesNotContain("hunter3").doesNotContain(secret);
	}

	@Test
	void whenAnswersAreSentThenTheyCarrySecurityHeaders() {
		Client.Answer answer = admin.get("/api/auth/me");

		assertThat(answer.header("Content-Security-Policy")).contains("default-src 'self'");
		assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
	}

	private static JsonNode createKey(Client owner, String... scopes) {
		Client.Answer answer = owner.post("/api/keys", Map.of("name", "test key", "scopes", List.of(scopes)));
		assertThat(answer.status()).as(answer.response().body()).isEqualTo(201);
		return answer.json();
	}

	private static String rawGet(String path, String headers) throws Exception {
		URI uri = URI.create(gateway);
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\nConnection: close\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

}
