package dev.devassist.gateway.identity;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.devassist.gateway.GatewayProperties;
import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.identity.InternalTokens;

/**
 * Mints the internal token of DESIGN.md for an authenticated caller: {@code sub},
 * {@code tenant}, {@code roles} and {@code scopes}, signed by the gateway's private key.
 * A caller's token is reused until half its life has passed, so a busy key costs one
 * signature a few minutes rather than one a request.
 */
public final class InternalTokenMinter {

	private final JWSSigner signer;

	private final JWSAlgorithm algorithm;

	private final GatewayProperties.Signing signing;

	private final Clock clock;

	private final Cache<GatewayPrincipal, String> tokens;

	/**
	 * Reads the private key and checks that the services' public key is its other half.
	 * @param signing the key and claims
	 * @param publicKey the public key the services are told to trust
	 * @param clock the time tokens are stamped with
	 * @throws IllegalStateException when the key cannot be read or the halves do not
	 * match
	 */
	public InternalTokenMinter(GatewayProperties.Signing signing, PublicKey publicKey, Clock clock) {
		PrivateKey key = privateKey(pem(signing));
		try {
			if (key instanceof ECPrivateKey ec) {
				this.signer = new ECDSASigner(ec);
				this.algorithm = JWSAlgorithm.ES256;
			}
			else {
				this.signer = new RSASSASigner(key);
				this.algorithm = JWSAlgorithm.RS256;
			}
			checkPair(publicKey);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("The gateway's signing key cannot sign: " + ex.getMessage(), ex);
		}
		this.signing = signing;
		this.clock = clock;
		this.tokens = Caffeine.newBuilder()
			.maximumSize(100_000)
			.expireAfterWrite(signing.lifetime().dividedBy(2))
			.build();
	}

	/**
	 * The internal token for a caller.
	 * @param principal the caller
	 * @return the compact signed token
	 */
	public String token(GatewayPrincipal principal) {
		return this.tokens.get(principal, this::mint);
	}

	/** Forgets every token minted, so the next call of each caller gets a fresh one. */
	public void forgetAll() {
		this.tokens.invalidateAll();
	}

	private String mint(GatewayPrincipal principal) {
		Instant now = this.clock.instant();
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(this.signing.issuer())
			.subject(principal.userId())
			.audience(this.signing.audiences())
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(this.signing.lifetime())))
			.jwtID(UUID.randomUUID().toString())
			.claim(Caller.TENANT, principal.tenant())
			.claim(Caller.ROLES, List.copyOf(principal.roles()))
			.claim(Caller.SCOPES, List.copyOf(principal.scopes()))
			.claim("preferred_username", principal.username());
		if (principal.keyId() != null) {
			claims.claim("api_key", principal.keyId());
		}
		return sign(claims.build());
	}

	private String sign(JWTClaimsSet claims) {
		SignedJWT token = new SignedJWT(new JWSHeader.Builder(this.algorithm).type(JOSEObjectType.JWT).build(), claims);
		try {
			token.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("The internal token could not be signed: " + ex.getMessage(), ex);
		}
		return token.serialize();
	}

	private void checkPair(PublicKey publicKey) throws JOSEException {
		JWSVerifier verifier = (this.algorithm == JWSAlgorithm.ES256) ? new ECDSAVerifier((ECPublicKey) publicKey)
				: new RSASSAVerifier((RSAPublicKey) publicKey);
		SignedJWT probe = new SignedJWT(new JWSHeader(this.algorithm), new JWTClaimsSet.Builder().build());
		probe.sign(this.signer);
		if (!probe.verify(verifier)) {
			throw new IllegalStateException("The gateway's signing key is not the pair of devassist.identity's public "
					+ "key: the services would refuse every token it signs.");
		}
	}

	private static String pem(GatewayProperties.Signing signing) {
		return InternalTokens.readPem(signing.privateKey(), signing.privateKeyLocation(),
				"devassist.gateway.signing.private-key-location");
	}

	static PrivateKey privateKey(String pem) {
		String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		byte[] der;
		try {
			der = Base64.getDecoder().decode(body);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("The gateway's signing key is not a PEM private key", ex);
		}
		for (String kind : List.of("EC", "RSA")) {
			try {
				PrivateKey key = KeyFactory.getInstance(kind).generatePrivate(new PKCS8EncodedKeySpec(der));
				if (key instanceof RSAPrivateKey rsa && rsa.getModulus().bitLength() < 2048) {
					throw new IllegalStateException("The gateway's RSA signing key is shorter than 2048 bits");
				}
				return key;
			}
			catch (GeneralSecurityException ex) {
				// try the next kind
			}
		}
		throw new IllegalStateException("The gateway's signing key is neither an EC nor an RSA PKCS#8 private key");
	}

}
