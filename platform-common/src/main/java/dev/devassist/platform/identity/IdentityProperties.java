package dev.devassist.platform.identity;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How a service checks the internal identity token ({@code devassist.identity.*}).
 *
 * @param publicKey the gateway's signing key, a PEM {@code PUBLIC KEY} (EC P-256 or RSA);
 * give this or {@code public-key-location}
 * @param publicKeyLocation where to read that PEM from, e.g.
 * {@code file:/etc/devassist/jwt.pub}
 * @param issuer the {@code iss} every token must carry
 * @param audience this service's name, which the token's {@code aud} must include
 * @param clockSkew how far clocks may disagree when checking {@code exp}, {@code nbf} and
 * {@code iat}
 * @param maxLifetime the longest a token may be valid from its {@code iat}; longer-lived
 * tokens are refused, so a leaked one is soon useless
 */
@Validated
@ConfigurationProperties("devassist.identity")
public record IdentityProperties(@Nullable String publicKey, @Nullable String publicKeyLocation,
		@DefaultValue("devassist-gateway") @NotBlank String issuer, @NotBlank String audience,
		@DefaultValue("30s") @NotNull Duration clockSkew, @DefaultValue("15m") @NotNull Duration maxLifetime) {

	@AssertTrue(
			message = "give exactly one of devassist.identity.public-key and devassist.identity.public-key-location")
	boolean isKeyGivenOnce() {
		return (this.publicKey == null || this.publicKey.isBlank()) != (this.publicKeyLocation == null
				|| this.publicKeyLocation.isBlank());
	}

}
