package dev.devassist.platform.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Builds the decoder that checks the internal identity token: its signature by the
 * gateway's public key (ES256 for an EC P-256 key, RS256 for RSA, nothing else), its
 * issuer, this service among its audiences, its times with a bounded lifetime, and the
 * presence of a subject and a tenant.
 */
public final class InternalTokens {

	private InternalTokens() {
	}

	/**
	 * Creates the decoder.
	 * @param pem the gateway's public key as a PEM {@code PUBLIC KEY}
	 * @param properties the issuer, audience and time limits
	 * @return the decoder
	 * @throws IllegalArgumentException when the key cannot be read
	 */
	public static ReactiveJwtDecoder decoder(String pem, IdentityProperties properties) {
		PublicKey key = publicKey(pem);
		JWK jwk;
		SignatureAlgorithm algorithm;
		if (key instanceof ECPublicKey ec) {
			if (!Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
				throw new IllegalArgumentException("The identity key is an EC key but not on curve P-256");
			}
			jwk = new ECKey.Builder(Curve.P_256, ec).build();
			algorithm = SignatureAlgorithm.ES256;
		}
		else if (key instanceof RSAPublicKey rsa) {
			if (rsa.getModulus().bitLength() < 2048) {
				throw new IllegalArgumentException("The identity key is an RSA key shorter than 2048 bits");
			}
			jwk = new RSAKey.Builder(rsa).build();
			algorithm = SignatureAlgorithm.RS256;
		}
		else {
			throw new IllegalArgumentException("The identity key must be an EC P-256 or RSA public key");
		}
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSource((token) -> Flux.just(jwk))
			.jwsAlgorithm(algorithm)
			.build();
		decoder.setJwtValidator(validator(properties));
		return decoder;
	}

	static OAuth2TokenValidator<Jwt> validator(IdentityProperties properties) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new JwtTimestampValidator(properties.clockSkew()));
		validators.add(new JwtIssuerValidator(properties.issuer()));
		validators.add((token) -> (token.getAudience() != null && token.getAudience().contains(properties.audience()))
				? OAuth2TokenValidatorResult.success()
				: failure("The token is not meant for " + properties.audience() + "."));
		validators.add((token) -> lifetime(token, properties.maxLifetime(), properties.clockSkew()));
		validators.add((token) -> (present(token.getSubject()) && present(token.getClaimAsString(Caller.TENANT)))
				? OAuth2TokenValidatorResult.success() : failure("The token names no subject or no tenant."));
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	private static OAuth2TokenValidatorResult lifetime(Jwt token, Duration max, Duration skew) {
		Instant issued = token.getIssuedAt();
		Instant expires = token.getExpiresAt();
		if (issued == null || expires == null) {
			return failure("The token must carry iat and exp.");
		}
		if (issued.isAfter(Instant.now().plus(skew))) {
			return failure("The token was issued in the future.");
		}
		if (Duration.between(issued, expires).compareTo(max) > 0) {
			return failure("The token lives longer than " + max.toMinutes() + " minutes.");
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static boolean present(String value) {
		return value != null && !value.isBlank();
	}

	private static OAuth2TokenValidatorResult failure(String description) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", description, null));
	}

	/**
	 * The gateway's public key as configured: given inline or read from its location.
	 * @param properties the identity settings
	 * @return the PEM text
	 * @throws IllegalStateException when the location cannot be read
	 */
	public static String publicKeyPem(IdentityProperties properties) {
		return readPem(properties.publicKey(), properties.publicKeyLocation(),
				"devassist.identity.public-key-location");
	}

	/**
	 * A key's PEM text, given inline or read from a resource location.
	 * @param inline the PEM itself, used when not blank
	 * @param location where to read it otherwise, e.g.
	 * {@code file:/etc/devassist/jwt.pub}
	 * @param locationProperty the setting that names the location, for the error
	 * @return the PEM text
	 * @throws IllegalStateException when the location cannot be read
	 */
	public static String readPem(@Nullable String inline, @Nullable String location, String locationProperty) {
		if (inline != null && !inline.isBlank()) {
			return inline;
		}
		Resource resource = new DefaultResourceLoader().getResource(String.valueOf(location));
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + locationProperty + " " + location + ": " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Reads a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), EC or RSA.
	 * @param pem the text
	 * @return the key
	 */
	public static PublicKey publicKey(String pem) {
		String body = pem.replace("-----BEGIN PUBLIC KEY-----", "")
			.replace("-----END PUBLIC KEY-----", "")
			.replaceAll("\\s", "");
		byte[] der;
		try {
			der = Base64.getDecoder().decode(body);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("The identity key is not a PEM public key", ex);
		}
		for (String algorithm : List.of("EC", "RSA")) {
			try {
				return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
			}
			catch (GeneralSecurityException ex) {
				// try the next kind
			}
		}
		throw new IllegalArgumentException("The identity key is neither an EC nor an RSA public key");
	}

}
