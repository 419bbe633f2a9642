package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.server.HttpServerRequest;

/**
 * The shared service token that callers must present, when one is configured. Outside a
 * cluster it keeps the proxy internal; inside one a NetworkPolicy does. Compared as
 * digests, in constant time.
 */
final class ServiceToken {

	private final byte @Nullable [] expected;

	ServiceToken(@Nullable String token) {
		this.expected = (token != null && !token.isEmpty()) ? digest("Bearer " + token) : null;
	}

	boolean admits(HttpServerRequest request) {
		if (this.expected == null) {
			return true;
		}
		String presented = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
		return presented != null && MessageDigest.isEqual(this.expected, digest(presented));
	}

	private static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
