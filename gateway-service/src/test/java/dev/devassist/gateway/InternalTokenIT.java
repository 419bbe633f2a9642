package dev.devassist.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
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
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each service behind the gateway, called directly, accepts the internal token only as
 * the gateway mints it: a token signed with another key, expired, unsigned, altered, from
 * another issuer or for another audience is refused with 401, and a well-made one (the
 * control) is taken.
 */
class InternalTokenIT {

	private static GatewayPlatform platform;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() {
		platform = GatewayPlatform.get();
	}

	@ParameterizedTest
	@ValueSource(strings = { "rag-service", "assistant-service" })
	void whenATokenIsForgedExpiredOrAlteredThenTheServiceRefusesIt(String service) throws Exception {
		String base = service.equals("rag-service") ? platform.ragUrl() : platform.assistantUrl();
		String path = service.equals("rag-service") ? "/api/sources" : "/api/conversations";
		PrivateKey key = platform.signingKey();

		assertThat(call(base + path, sign(claims(UnaryOperator.identity()), key))).as("the control").isEqualTo(200);

		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		PrivateKey stranger = generator.generateKeyPair().getPrivate();
		assertThat(call(base + path, sign(claims(UnaryOperator.identity()), stranger))).as("another key")
			.isEqualTo(401);

		Instant past = Instant.now().minus(Duration.ofHours(1));
		assertThat(call(base + path, sign(
				claims((c) -> c.issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(300)))), key)))
			.as("expired")
			.isEqualTo(401);
		assertThat(call(base + path, sign(claims((c) -> c.issuer("someone-else")), key))).as("another issuer")
			.isEqualTo(401);
		assertThat(call(base + path, sign(claims((c) -> c.audience("another-service")), key))).as("another audience")
			.isEqualTo(401);

		String[] parts = sign(claims(UnaryOperator.identity()), key).split("\\.");
		String otherTenant = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(
					claims((c) -> c.claim("tenant", "someone-elses")).toString().getBytes(StandardCharsets.UTF_8));
		assertThat(call(base + path, parts[0] + "." + otherTenant + "." + parts[2])).as("altered").isEqualTo(401);

		String none = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
		assertThat(call(base + path, none + "." + parts[1] + ".")).as("unsigned").isEqualTo(401);
		assertThat(call(base + path, "dak_not-a-token-at-all")).as("an API key").isEqualTo(401);
	}

	private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
		Instant now = Instant.now();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("devassist-gateway")
			.subject("usr_internal_token_it")
			.audience(List.of("rag-service", "assistant-service", "inference-proxy"))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(300)))
			.claim("tenant", "internal-token-it")
			.claim("roles", List.of("member"))
			.claim("scopes", List.of("chat", "search", "ingest"));
		return change.apply(claims).build();
	}

	private static String sign(JWTClaimsSet claims, PrivateKey key) throws Exception {
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
				claims);
		token.sign(new ECDSASigner((ECPrivateKey) key));
		return token.serialize();
	}

	private int call(String url, String token) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url))
			.header("Authorization", "Bearer " + token)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
