package dev.devassist.gateway.account;

import dev.devassist.gateway.identity.GatewayAuthentication;
import dev.devassist.gateway.identity.GatewayPrincipal;
import reactor.core.publisher.Mono;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.context.WebSessionServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Login sessions, kept in the web session, that end the moment their user is disabled:
 * each call made with a session asks {@link ActiveUsers} first, and a session whose user
 * may no longer act is invalidated, so the call is answered 401.
 */
@Component
class ActiveSessions implements ServerSecurityContextRepository {

	private final ServerSecurityContextRepository sessions = new WebSessionServerSecurityContextRepository();

	private final ActiveUsers users;

	ActiveSessions(ActiveUsers users) {
		this.users = users;
	}

	@Override
	public Mono<Void> save(ServerWebExchange exchange, SecurityContext context) {
		return this.sessions.save(exchange, context);
	}

	@Override
	public Mono<SecurityContext> load(ServerWebExchange exchange) {
		return this.sessions.load(exchange).flatMap((context) -> {
			if (!(context.getAuthentication() instanceof GatewayAuthentication authentication)) {
				return Mono.just(context);
			}
			GatewayPrincipal principal = authentication.getPrincipal();
			return this.users.isActive(principal.tenant(), principal.userId())
				.flatMap((active) -> active ? Mono.just(context)
						: exchange.getSession().flatMap(WebSession::invalidate).then(Mono.empty()));
		});
	}

}
