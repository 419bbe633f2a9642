package dev.devassist.platform;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.devassist.platform.identity.Caller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real WebFlux server with this module on its classpath, called over HTTP with tokens
 * signed by a key made for the test: only health is open, every refusal is problem+json
 * naming what was wrong, and a verified token's caller reaches the handler.
 */
class PlatformSecurityIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static KeyPair gateway;

	private static ConfigurableApplicationContext service;

	private static String baseUrl;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() throws Exception {
		gateway = ecKeyPair();
		String pem = "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(gateway.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----";
		service = new SpringApplicationBuilder(EchoService.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--devassist.identity.public-key=" + pem,
				"--devassist.identity.audience=test-service");
		baseUrl = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	static void stop() {
		service.close();
	}

	@Test
	void healthNeedsNoToken() throws Exception {
		assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void aRouteWithoutATokenIsRefusedAsProblemJson() throws Exception {
		HttpResponse<String> response = get("/whoami", null);

		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer");
		JsonNode problem = JSON.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(401);
		assertThat(problem.get("detail").asString()).contains("Authorization: Bearer");
		assertThat(problem.get("requestId").asString())
			.isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
	}

	@Test
	void aVerifiedTokenNamesTheCaller() throws Exception {
		HttpResponse<String> response = get("/whoami", sign(UnaryOperator.identity()));

		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode caller = JSON.readTree(response.body());
		assertThat(caller.get("subject").asString()).isEqualTo("user-1");
		assertThat(caller.get("tenant").asString()).isEqualTo("tenant-a");
		assertThat(caller.get("scopes").values()).extracting(JsonNode::asString).containsExactly("rag:read");
	}

	@Test
	void anExpiredTokenIsRefused() throws Exception {
		Instant past = Instant.now().minus(Duration.ofMinutes(10));
		assertRefused(sign((claims) -> claims.issueTime(Date.from(past))
			.expirationTime(Date.from(past.plus(Duration.ofMinutes(5))))), "expired");
	}

	@Test
	void aTokenForAnotherServiceIsRefused() throws Exception {
		assertRefused(sign((claims) -> claims.audience("assistant-service")), "not meant for test-service");
	}

	@Test
	void aTokenFromAnotherIssuerIsRefused() throws Exception {
		assertRefused(sign((claims) -> claims.issuer("someone-else")), "iss");
	}

	@Test
	void aLongLivedTokenIsRefused() throws Exception {
		assertRefused(sign((claims) -> claims.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(30))))),
				"lives longer");
	}

	@Test
	void aTokenWithoutATenantIsRefused() throws Exception {
		assertRefused(sign((claims) -> claims.claim(Caller.TENANT, null)), "tenant");
	}

	@Test
	void aTokenSignedByAnotherKeyIsRefused() throws Exception {
		SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), claims().build());
		forged.sign(new ECDSASigner((ECPrivateKey) ecKeyPair().getPrivate()));
		assertRefused(forged.serialize(), "");
	}

	@Test
	void aTokenSignedWithTheSharedSecretAlgorithmIsRefused() throws Exception {
		// The classic confusion: HMAC keyed with the public key's bytes.
		byte[] secret = gateway.getPublic().getEncoded();
		SignedJWT confused = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
		confused.sign(new MACSigner(secret));
		assertRefused(confused.serialize(), "");
	}

	@Test
	void garbageInTheHeaderIsRefusedWithoutAServerError() throws Exception {
		for (String token : List.of("not-a-jwt", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "x".repeat(4000))) {
			assertRefused(token, "");
		}
	}

	@Test
	void aPathTheFirewallRefusesIsAnsweredAsProblemJson() throws Exception {
		HttpResponse<String> response = get("/whoami/..%2F..%2Fetc%2Fpasswd", sign(UnaryOperator.identity()));

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
		assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("encoded slashes");
	}

	@Test
	void aPlausibleRequestIdIsKeptAndAHostileOneReplaced() throws Exception {
		HttpResponse<String> kept = send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
			.header("X-Request-Id", "ide-42.abc:1")
			.build());
		HttpResponse<String> replaced = send(HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
			.header("X-Request-Id", "<script>alert(1)</script>")
			.build());

		assertThat(kept.headers().firstValue("x-request-id")).hasValue("ide-42.abc:1");
		assertThat(replaced.headers().firstValue("x-request-id")).get().asString().matches("[0-9a-f]{32}");
	}

	private void assertRefused(String token, String detail) throws Exception {
		HttpResponse<String> response = get("/whoami", token);
		assertThat(response.statusCode()).as(token).isEqualTo(401);
		assertThat(response.headers().firstValue("www-authenticate")).hasValue("Bearer error=\"invalid_token\"");
		assertThat(JSON.readTree(response.body()).get("detail").asString()).contains("refused").contains(detail);
	}

	private HttpResponse<String> get(String path, String token) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path));
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		return send(request.build());
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static String sign(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
				change.apply(claims()).build());
		token.sign(new ECDSASigner((ECPrivateKey) gateway.getPrivate()));
		return token.serialize();
	}

	private static JWTClaimsSet.Builder claims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer("devassist-gateway")
			.subject("user-1")
			.audience("test-service")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
			.claim(Caller.TENANT, "tenant-a")
			.claim(Caller.ROLES, List.of("member"))
			.claim(Caller.SCOPES, List.of("rag:read"));
	}

	private static KeyPair ecKeyPair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	@SpringBootApplication
	@RestController
	static class EchoService {

		@GetMapping("/whoami")
		Mono<Caller> whoami() {
			return Caller.current();
		}

	}

}
