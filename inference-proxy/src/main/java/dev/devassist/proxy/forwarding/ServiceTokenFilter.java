package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Requires the shared service token, when one is configured, on every API route. Outside
 * a cluster this is what keeps the proxy internal; inside one a NetworkPolicy does.
 */
public final class ServiceTokenFilter implements HandlerFilterFunction<ServerResponse, ServerResponse> {

	private final byte @Nullable [] expected;

	public ServiceTokenFilter(@Nullable String token) {
		this.expected = (token != null && !token.isEmpty()) ? digest("Bearer " + token) : null;
	}

	@Override
	public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
		if (this.expected == null) {
			return next.handle(request);
		}
		String presented = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		if (presented != null && MessageDigest.isEqual(this.expected, digest(presented))) {
			return next.handle(request);
		}
		ProxyException refusal = new ProxyException(401, "AuthenticationError",
				"A valid service token is required: send 'Authorization: Bearer <token>'.", null);
		return ServerResponse.status(refusal.status())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(refusal.body());
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
