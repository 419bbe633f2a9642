package dev.devassist.gateway.account;

import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.devassist.gateway.identity.GatewayAuthentication;
import dev.devassist.gateway.identity.GatewayPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.server.DefaultServerRedirectStrategy;
import org.springframework.security.web.server.ServerRedirectStrategy;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The end of a single sign-on: the provider's user becomes one of ours (made on first
 * sign-in), and the session holds our principal, exactly as after a password login, so
 * everything after it (the internal token, limits, being disabled) works the same. A
 * refused sign-in lands on the login page with a reason.
 */
@Component
class SsoLogins implements ServerAuthenticationSuccessHandler, ServerAuthenticationFailureHandler {

	private static final Logger logger = LoggerFactory.getLogger(SsoLogins.class);

	private final Accounts accounts;

	private final ServerSecurityContextRepository sessions;

	private final ServerRedirectStrategy redirects = new DefaultServerRedirectStrategy();

	SsoLogins(Accounts accounts, ServerSecurityContextRepository sessions) {
		this.accounts = accounts;
		this.sessions = sessions;
	}

	@Override
	public Mono<Void> onAuthenticationSuccess(WebFilterExchange webExchange, Authentication authentication) {
		ServerWebExchange exchange = webExchange.getExchange();
		if (!(authentication.getPrincipal() instanceof OidcUser user)) {
			return refuse(exchange, "not-oidc");
		}
		String name = (user.getPreferredUsername() != null) ? user.getPreferredUsername()
				: (user.getEmail() != null) ? user.getEmail() : user.getSubject();
		List<String> groups = user.getClaimAsStringList("groups");
		Collection<String> memberOf = (groups != null) ? groups : List.of();
		// Each branch ends in an empty Mono<Void>, so the choice is made on an Optional
		// rather than with switchIfEmpty, which would also fire after a good sign-in.
		return this.accounts.ssoLogin(String.valueOf(user.getIssuer()), user.getSubject(), name, memberOf)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> principal.map((found) -> signedIn(exchange, found))
				.orElseGet(() -> refuse(exchange, "disabled")));
	}

	private Mono<Void> signedIn(ServerWebExchange exchange, GatewayPrincipal principal) {
		return exchange.getSession()
			.flatMap(WebSession::changeSessionId)
			.then(this.sessions.save(exchange, new SecurityContextImpl(new GatewayAuthentication(principal))))
			.then(this.redirects.sendRedirect(exchange, URI.create("/#/chat")));
	}

	@Override
	public Mono<Void> onAuthenticationFailure(WebFilterExchange webExchange,
			org.springframework.security.core.AuthenticationException exception) {
		logger.warn("A single sign-on failed: {}", exception.getMessage());
		return refuse(webExchange.getExchange(), "failed");
	}

	private Mono<Void> refuse(ServerWebExchange exchange, String why) {
		return exchange.getSession()
			.flatMap(WebSession::invalidate)
			.then(this.redirects.sendRedirect(exchange, URI.create("/#/login/sso-" + why)));
	}

}
