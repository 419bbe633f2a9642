package dev.devassist.platform.identity;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who a request is for, as the gateway's token says: the only identity a service trusts.
 *
 * @param subject the user or API key ({@code sub})
 * @param tenant the tenant every query is scoped by ({@code tenant})
 * @param roles the caller's roles ({@code roles})
 * @param scopes the API key's scopes, or the user's ({@code scopes})
 */
public record Caller(String subject, String tenant, Set<String> roles, Set<String> scopes) {

	/** The claim naming the tenant. */
	public static final String TENANT = "tenant";

	/** The claim listing the roles. */
	public static final String ROLES = "roles";

	/** The claim listing the scopes. */
	public static final String SCOPES = "scopes";

	/**
	 * The caller of the request being handled.
	 * @return the caller; empty outside an authenticated request
	 */
	public static Mono<Caller> current() {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.filter(JwtAuthenticationToken.class::isInstance)
			.map((authentication) -> of(((JwtAuthenticationToken) authentication).getToken()));
	}

	/**
	 * Runs blocking work (JDBC, files, a parser) for the current caller, off the event
	 * loop.
	 * @param <T> the work's result
	 * @param work what to do for the caller
	 * @return the result; empty outside an authenticated request
	 */
	public static <T> Mono<T> blocking(Function<Caller, T> work) {
		return current()
			.flatMap((caller) -> Mono.fromCallable(() -> work.apply(caller)).subscribeOn(Schedulers.boundedElastic()));
	}

	/**
	 * Reads a verified token.
	 * @param token a token whose signature and claims have been checked
	 * @return its caller
	 */
	public static Caller of(Jwt token) {
		return new Caller(token.getSubject(), token.getClaimAsString(TENANT), strings(token, ROLES),
				strings(token, SCOPES));
	}

	/**
	 * Whether the caller has a scope.
	 * @param scope e.g. {@code rag:write}
	 * @return true when it has
	 */
	public boolean hasScope(String scope) {
		return this.scopes.contains(scope);
	}

	private static Set<String> strings(Jwt token, String claim) {
		List<String> values = token.hasClaim(claim) ? token.getClaimAsStringList(claim) : null;
		return (values != null) ? Set.copyOf(values) : Set.of();
	}

}
