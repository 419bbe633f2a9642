package dev.devassist.gateway;

import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's settings ({@code devassist.gateway.*}).
 *
 * @param routes where the services are and the limits of a routed call
 * @param signing the key and claims of the internal token minted for the services
 * @param rateLimit the token buckets per API key and per user
 * @param apiKeys how API keys are issued and checked
 * @param bootstrap the first account, made when there is none
 */
@Validated
@ConfigurationProperties("devassist.gateway")
public record GatewayProperties(@DefaultValue @Valid Routes routes, @DefaultValue @Valid Signing signing,
		@DefaultValue @Valid RateLimit rateLimit, @DefaultValue @Valid ApiKeys apiKeys,
		@DefaultValue @Valid Bootstrap bootstrap, @DefaultValue @Valid Cors cors, @DefaultValue @Valid Sso sso) {

	/**
	 * Single sign-on through an OpenID Connect provider, on when a client registration
	 * {@code spring.security.oauth2.client.registration.<id>} is configured.
	 *
	 * @param tenant the name of the tenant that a user signing in for the first time
	 * joins; the first tenant when absent
	 * @param adminGroup the provider's group (in the ID token's {@code groups} claim)
	 * whose members are the tenant's admins; nobody when absent
	 */
	public record Sso(@Nullable String tenant, @Nullable String adminGroup) {
	}

	/**
	 * Which other origins' pages may call the APIs from a browser. They call with an API
	 * key: the login session's cookie is never sent across origins.
	 *
	 * @param allowedOrigins origins such as {@code https://ide.example.com}; none by
	 * default, so only the gateway's own pages call it
	 */
	public record Cors(@DefaultValue List<String> allowedOrigins) {
	}

	/**
	 * Where the services are, and the limits of a routed call.
	 *
	 * @param assistantUrl assistant-service's base URL
	 * @param ragUrl rag-service's base URL
	 * @param maxBody the largest request body a route takes, by its Content-Length
	 * @param maxUploadBody the largest body of a file upload to rag-service
	 * @param streamIdleTimeout how long an event stream may pass nothing before the
	 * gateway ends it (the services send a heartbeat every 15 s)
	 * @param streamMaxDuration how long an event stream may last in all
	 */
	public record Routes(@DefaultValue("http://127.0.0.1:8081") @NotBlank String assistantUrl,
			@DefaultValue("http://127.0.0.1:8082") @NotBlank String ragUrl,
			@DefaultValue("2MB") @NotNull DataSize maxBody, @DefaultValue("64MB") @NotNull DataSize maxUploadBody,
			@DefaultValue("60s") @NotNull Duration streamIdleTimeout,
			@DefaultValue("30m") @NotNull Duration streamMaxDuration) {
	}

	/**
	 * The internal token: signed by the gateway's private key, whose public half every
	 * service trusts ({@code devassist.identity.public-key}).
	 *
	 * @param privateKey the private key, a PEM {@code PRIVATE KEY} (PKCS#8, EC P-256 or
	 * RSA); give this or {@code private-key-location}
	 * @param privateKeyLocation where to read that PEM from, e.g.
	 * {@code file:/etc/devassist/jwt.key}
	 * @param issuer the token's {@code iss}
	 * @param audiences the services named in its {@code aud}
	 * @param lifetime how long a minted token is valid
	 */
	public record Signing(@Nullable String privateKey, @Nullable String privateKeyLocation,
			@DefaultValue("devassist-gateway") @NotBlank String issuer, @DefaultValue( {
					"assistant-service", "rag-service", "inference-proxy" }) @NotEmpty List<String> audiences,
			@DefaultValue("5m") @NotNull Duration lifetime){

		@AssertTrue(message = "give exactly one of devassist.gateway.signing.private-key and private-key-location")
		boolean isKeyGivenOnce() {
			return (this.privateKey == null || this.privateKey.isBlank()) != (this.privateKeyLocation == null
					|| this.privateKeyLocation.isBlank());
		}

		@AssertTrue(message = "devassist.gateway.signing.lifetime must lie between 30 seconds and 15 minutes")
		boolean isLifetimeBounded() {
			return this.lifetime.compareTo(Duration.ofSeconds(30)) >= 0
					&& this.lifetime.compareTo(Duration.ofMinutes(15)) <= 0;
		}

	}

	/**
	 * Token buckets kept in Redis, one per API key and one per user; a call takes a token
	 * from each that applies.
	 *
	 * @param enabled whether calls are limited at all
	 * @param keyRate tokens an API key's bucket gains per second
	 * @param keyBurst the most an API key's bucket holds
	 * @param userRate tokens a user's bucket gains per second, shared by their keys and
	 * sessions
	 * @param userBurst the most a user's bucket holds
	 * @param loginRate login attempts a client address gains per second
	 * @param loginBurst the most login attempts a client address may make at once
	 */
	public record RateLimit(@DefaultValue("true") boolean enabled, @DefaultValue("20") @Min(1) int keyRate,
			@DefaultValue("40") @Min(1) int keyBurst, @DefaultValue("40") @Min(1) int userRate,
			@DefaultValue("80") @Min(1) int userBurst, @DefaultValue("1") @Min(1) int loginRate,
			@DefaultValue("10") @Min(1) int loginBurst) {
	}

	/**
	 * How API keys are issued and checked.
	 *
	 * @param cacheFor how long a checked key is remembered before it is read again (a
	 * revocation reaches every gateway at once through Redis regardless)
	 * @param maxPerUser the most live keys a user may hold
	 * @param maxLifetime the longest expiry a key may be given
	 */
	public record ApiKeys(@DefaultValue("30s") @NotNull Duration cacheFor, @DefaultValue("50") @Min(1) int maxPerUser,
			@DefaultValue("365d") @NotNull Duration maxLifetime) {
	}

	/**
	 * The first account, made at the first start when there is none.
	 *
	 * @param tenant the first tenant's name
	 * @param adminUsername the first admin's user name
	 * @param adminPassword the first admin's password; when absent, one is generated and
	 * printed once on standard output
	 */
	public record Bootstrap(@DefaultValue("default") @NotBlank String tenant,
			@DefaultValue("admin") @NotBlank String adminUsername, @Nullable String adminPassword) {
	}

}
