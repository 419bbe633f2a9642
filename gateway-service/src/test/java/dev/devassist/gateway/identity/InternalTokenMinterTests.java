package dev.devassist.gateway.identity;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import dev.devassist.gateway.GatewayProperties;
import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.identity.IdentityProperties;
import dev.devassist.platform.identity.InternalTokens;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class InternalTokenMinterTests {

	private static final GatewayPrincipal ALICE = new GatewayPrincipal("usr_1", "alice", "ten_a", Set.of("member"),
			Set.of("chat", "search"), "key_9");

	private final KeyPair pair = ecPair();

	@Test
	void whenATokenIsMintedThenEveryServiceAcceptsItWithTheCallersClaims() {
		InternalTokenMinter minter = new InternalTokenMinter(signing(this.pair, "5m"), this.pair.getPublic(),
				Clock.systemUTC());

		String token = minter.token(ALICE);

		for (String service : List.of("rag-service", "assistant-service", "inference-proxy")) {
			Jwt jwt = decoder(service).decode(token).block(Duration.ofSeconds(5));
			Caller caller = Caller.of(jwt);
			assertThat(caller.subject()).isEqualTo("usr_1");
			assertThat(caller.tenant()).isEqualTo("ten_a");
			assertThat(caller.roles()).containsExactly("member");
			assertThat(caller.scopes()).containsExactlyInAnyOrder("chat", "search");
			assertThat(jwt.getClaimAsString("api_key")).isEqualTo("key_9");
		}
	}

	@Test
	void whenTheSameCallerCallsAgainThenItsTokenIsReused() {
		InternalTokenMinter minter = new InternalTokenMinter(signing(this.pair, "5m"), this.pair.getPublic(),
				Clock.systemUTC());

		String first = minter.token(ALICE);
		String second = minter.token(ALICE);
		String other = minter
			.token(new GatewayPrincipal("usr_2", "bob", "ten_b", Set.of("member"), Set.of("chat"), null));

		assertThat(second).isSameAs(first);
		assertThat(other).isNotEqualTo(first);
	}

	@Test
	void whenATokenIsOlderThanItsLifetimeThenServicesRefuseIt() {
		Clock past = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
		InternalTokenMinter minter = new InternalTokenMinter(signing(this.pair, "5m"), this.pair.getPublic(), past);

		String token = minter.token(ALICE);

		assertThat(decoder("rag-service").decode(token)
			.onErrorResume((ex) -> Mono.empty())
			.blockOptional(Duration.ofSeconds(5))).isEmpty();
	}

	@Test
	void whenThePrivateKeyIsNotThePairOfTheServicesPublicKeyThenTheGatewayRefusesToStart() {
		KeyPair other = ecPair();

		assertThatIllegalStateException()
			.isThrownBy(() -> new InternalTokenMinter(signing(this.pair, "5m"), other.getPublic(), Clock.systemUTC()))
			.withMessageContaining("not the pair");
	}

	@Test
	void whenThePrivateKeyIsNotAKeyThenTheErrorSaysSo() {
		GatewayProperties.Signing garbage = new GatewayProperties.Signing(
				"-----BEGIN PRIVATE KEY-----\nnot a key\n" + "-----END PRIVATE KEY-----", null, "devassist-gateway",
				List.of("rag-service"), Duration.ofMinutes(5));

		assertThatIllegalStateException()
			.isThrownBy(() -> new InternalTokenMinter(garbage, this.pair.getPublic(), Clock.systemUTC()))
			.withMessageContaining("signing key");
	}

	private ReactiveJwtDecoder decoder(String audience) {
		IdentityProperties properties = new IdentityProperties(pem("PUBLIC KEY", this.pair.getPublic().getEncoded()),
				null, "devassist-gateway", audience, Duration.ofSeconds(30), Duration.ofMinutes(15));
		return InternalTokens.decoder(properties.publicKey(), properties);
	}

	private static GatewayProperties.Signing signing(KeyPair pair, String lifetime) {
		return new GatewayProperties.Signing(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), null,
				"devassist-gateway", List.of("assistant-service", "rag-service", "inference-proxy"),
				Duration.parse("PT" + lifetime.toUpperCase()));
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
				+ "-----";
	}

	private static KeyPair ecPair() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			return generator.generateKeyPair();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
