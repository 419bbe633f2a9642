package dev.devassist.gateway.routing;

import java.util.Optional;

import dev.devassist.gateway.identity.GatewayAuthentication;
import dev.devassist.gateway.identity.InternalTokenMinter;
import dev.devassist.platform.web.RequestIds;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Replaces what a routed call was authenticated with (API key, session cookie, CSRF
 * token) by the internal token the services trust, after the caller's rate limit lets it
 * pass, and sends the request id on. A call with no caller (a webhook, which rag-service
 * authenticates by its own secret) goes on with no credentials at all.
 */
@Component
class IdentityRelayFilter implements GlobalFilter, Ordered {

	private final InternalTokenMinter minter;

	private final RateLimits limits;

	IdentityRelayFilter(InternalTokenMinter minter, RateLimits limits) {
		this.minter = minter;
		this.limits = limits;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.filter(GatewayAuthentication.class::isInstance)
			.map((authentication) -> Optional.of(((GatewayAuthentication) authentication).getPrincipal()))
			.defaultIfEmpty(Optional.empty())
			.flatMap(
					(caller) -> caller.isEmpty() ? chain.filter(relay(exchange, null))
							: this.limits.admit(caller.get(), exchange)
								.flatMap((admitted) -> admitted
										? chain.filter(relay(exchange, this.minter.token(caller.get())))
										: Mono.empty()));
	}

	private static ServerWebExchange relay(ServerWebExchange exchange, @Nullable String token) {
		String requestId = RequestIds.of(exchange);
		return exchange.mutate().request((request) -> request.headers((headers) -> {
			headers.remove(HttpHeaders.AUTHORIZATION);
			headers.remove(HttpHeaders.COOKIE);
			headers.remove("X-XSRF-TOKEN");
			headers.remove("X-Api-Key");
			if (token != null) {
				headers.setBearerAuth(token);
			}
			if (requestId != null) {
				headers.set(RequestIds.HEADER, requestId);
			}
		})).build();
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 10;
	}

}
