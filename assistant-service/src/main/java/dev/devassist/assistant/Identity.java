package dev.devassist.assistant;

import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.web.ApiException;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The caller of a request with the token it came with, which is passed on unchanged to
 * rag-service so that every search runs with the caller's own permissions.
 *
 * @param caller who asks
 * @param token the gateway's internal token it presented
 */
public record Identity(Caller caller, String token) {

	/**
	 * The identity of the request being handled.
	 * @return it; empty outside an authenticated request
	 */
	public static Mono<Identity> current() {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.filter(JwtAuthenticationToken.class::isInstance)
			.map((authentication) -> of((JwtAuthenticationToken) authentication));
	}

	/**
	 * The identity of the request being handled, which must carry a scope.
	 * @param scope the scope, e.g. {@code chat}
	 * @return it; a 403 problem when the token lacks the scope
	 */
	public static Mono<Identity> requiring(String scope) {
		return current().handle((identity, sink) -> {
			if (identity.caller().hasScope(scope)) {
				sink.next(identity);
			}
			else {
				sink.error(new ApiException(HttpStatus.FORBIDDEN, "forbidden",
						"This token lacks the '" + scope + "' scope this route needs.", null));
			}
		});
	}

	/**
	 * Reads a verified token.
	 * @param authentication the token Spring Security verified
	 * @return the identity
	 */
	public static Identity of(JwtAuthenticationToken authentication) {
		return new Identity(Caller.of(authentication.getToken()), authentication.getToken().getTokenValue());
	}

	/**
	 * The caller's tenant.
	 * @return it
	 */
	public String tenant() {
		return this.caller.tenant();
	}

	@Override
	public String toString() {
		return "Identity[" + this.caller.subject() + " of " + this.caller.tenant() + "]";
	}

}
