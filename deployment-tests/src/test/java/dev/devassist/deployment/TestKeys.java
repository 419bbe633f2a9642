package dev.devassist.deployment;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A key pair for the internal token, as the services take it: the gateway signs with the
 * private half, every service trusts the public half, both given as PEM.
 *
 * @param keys the EC P-256 pair
 */
record TestKeys(KeyPair keys) {

	static TestKeys generate() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return new TestKeys(generator.generateKeyPair());
	}

	/** The gateway's argument that gives it the private half. */
	String signingArgument() {
		return "--devassist.gateway.signing.private-key=" + pem("PRIVATE KEY", this.keys.getPrivate().getEncoded());
	}

	/** A service's argument that gives it the public half. */
	String trustArgument() {
		return "--devassist.identity.public-key=" + pem("PUBLIC KEY", this.keys.getPublic().getEncoded());
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
				+ "-----";
	}

}
