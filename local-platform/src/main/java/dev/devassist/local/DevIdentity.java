package dev.devassist.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The local platform's signing key: an EC P-256 key pair made at the first start and kept
 * in the data folder. The gateway signs internal tokens with its private half and every
 * service trusts its public half. {@code ./devassist token} signs with it too, so a
 * service can be called directly, past the gateway. The private key never leaves the data
 * folder.
 */
final class DevIdentity {

	/** The tenant a local token is for when none is asked for. */
	static final String DEFAULT_TENANT = "local";

	private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final String[] AUDIENCES = { "rag-service", "assistant-service", "inference-proxy" };

	private final Path privateKey;

	private final Path publicKey;

	DevIdentity(Path dataDir) {
		Path directory = dataDir.resolve("identity");
		this.privateKey = directory.resolve("gateway-dev.key");
		this.publicKey = directory.resolve("gateway-dev.pub");
	}

	/**
	 * The private key beside a public key this class made.
	 * @param publicKey the public key's file
	 * @return the private key's file
	 */
	static Path privateKeyOf(Path publicKey) {
		return publicKey.resolveSibling("gateway-dev.key");
	}

	/**
	 * Makes the key pair unless it exists.
	 * @return the public key's file
	 * @throws IOException when it cannot be written
	 */
	Path ensureKeys() throws IOException {
		if (Files.isRegularFile(this.privateKey) && Files.isRegularFile(this.publicKey)) {
			return this.publicKey;
		}
		Files.createDirectories(this.privateKey.getParent());
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			var pair = generator.generateKeyPair();
			Files.writeString(this.privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
			Files.setPosixFilePermissions(this.privateKey, PosixFilePermissions.fromString("rw-------"));
			Files.writeString(this.publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("Cannot make the local signing key: " + ex.getMessage(), ex);
		}
		return this.publicKey;
	}

	/**
	 * Signs a token as the gateway would, valid for every service.
	 * @param tenant the tenant
	 * @param lifetime how long it is valid, at most 15 minutes
	 * @return the compact JWT
	 * @throws IOException when there is no key yet
	 */
	String token(String tenant, Duration lifetime) throws IOException {
		if (!TENANT.matcher(tenant).matches()) {
			throw new IllegalArgumentException("A tenant is 1 to 64 letters, digits, '.', '_' or '-'");
		}
		if (!Files.isRegularFile(this.privateKey)) {
			throw new IOException("There is no local signing key yet; start the platform once with ./devassist up");
		}
		long now = Instant.now().getEpochSecond();
		String audiences = String.join("\",\"", AUDIENCES);
		String claims = "{\"iss\":\"devassist-gateway\",\"sub\":\"local-developer\",\"aud\":[\"" + audiences
				+ "\"],\"iat\":" + now + ",\"exp\":" + (now + Math.min(lifetime.toSeconds(), 900)) + ",\"tenant\":\""
				+ tenant + "\",\"roles\":[\"member\",\"admin\"],\"scopes\":" + scopes() + "}";
		String signingInput = base64("{\"alg\":\"ES256\",\"typ\":\"JWT\"}") + "." + base64(claims);
		try {
			Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
			signature.initSign(readPrivateKey());
			signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("Cannot sign with the local key: " + ex.getMessage(), ex);
		}
	}

	private static String scopes() {
		return "[\"" + String.join("\",\"", List.of("chat", "search", "ingest", "admin")) + "\"]";
	}

	private PrivateKey readPrivateKey() throws IOException, GeneralSecurityException {
		String pem = Files.readString(this.privateKey);
		String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
		return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

	private static String base64(String json) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
	}

}
