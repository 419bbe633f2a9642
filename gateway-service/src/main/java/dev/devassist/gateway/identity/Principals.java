package dev.devassist.gateway.identity;

import dev.devassist.platform.web.ApiException;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;

/**
 * The caller of the request being handled.
 */
public final class Principals {

	private Principals() {
	}

	/**
	 * The authenticated caller.
	 * @return the caller; an error answered as 401 when there is none
	 */
	public static Mono<GatewayPrincipal> current() {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.filter(GatewayAuthentication.class::isInstance)
			.map((authentication) -> ((GatewayAuthentication) authentication).getPrincipal())
			.switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized",
					"Log in or send an API key as 'Authorization: Bearer <key>'.", null)));
	}

}
