package dev.devassist.gateway.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.devassist.gateway.identity.GatewayAuthentication;
import dev.devassist.gateway.identity.GatewayPrincipal;
import dev.devassist.gateway.identity.Principals;
import dev.devassist.gateway.routing.RateLimits;
import dev.devassist.platform.web.ApiException;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * Logging in and out with a user name and password, for the web UI: a session cookie, and
 * a CSRF token the UI sends back with every change.
 */
@RestController
@RequestMapping("/api/auth")
class AuthController {

	private static final int MAX_FIELD = 1024;

	private final Accounts accounts;

	private final ServerSecurityContextRepository sessions;

	private final RateLimits limits;

	private final List<Provider> providers = new ArrayList<>();

	AuthController(Accounts accounts, ServerSecurityContextRepository sessions, RateLimits limits,
			ObjectProvider<ReactiveClientRegistrationRepository> registrations) {
		this.accounts = accounts;
		this.sessions = sessions;
		this.limits = limits;
		if (registrations.getIfAvailable() instanceof Iterable<?> configured) {
			for (Object each : configured) {
				if (each instanceof ClientRegistration registration) {
					this.providers.add(new Provider(registration.getRegistrationId(), registration.getClientName(),
							"/oauth2/authorization/" + registration.getRegistrationId()));
				}
			}
		}
	}

	/**
	 * How one may log in, for the login page: with a password always, and through each
	 * single sign-on provider configured.
	 * @return the providers
	 */
	@GetMapping("/options")
	Options options() {
		return new Options(true, this.providers);
	}

	@PostMapping("/login")
	Mono<Me> login(@RequestBody Login login, ServerWebExchange exchange) {
		if (login.username() == null || login.username().isBlank() || login.username().length() > MAX_FIELD) {
			return Mono.error(ApiException.invalid("username", "Give your user name."));
		}
		if (login.password() == null || login.password().isEmpty() || login.password().length() > MAX_FIELD) {
			return Mono.error(ApiException.invalid("password", "Give your password."));
		}
		return this.limits.admitLogin(exchange)
			.flatMap((admitted) -> this.accounts.login(login.username(), login.password())
				.switchIfEmpty(Mono.error(() -> new ApiException(HttpStatus.UNAUTHORIZED, "login-failed",
						"The user name or the password is wrong, or the account is disabled.", null)))
				.flatMap((principal) -> exchange.getSession()
					.flatMap(WebSession::changeSessionId)
					.then(this.sessions.save(exchange, new SecurityContextImpl(new GatewayAuthentication(principal))))
					.thenReturn(Me.of(principal))));
	}

	@PostMapping("/logout")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> logout(ServerWebExchange exchange) {
		return exchange.getSession().flatMap(WebSession::invalidate);
	}

	@PostMapping("/password")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> changePassword(@RequestBody PasswordChange change) {
		return Principals.current()
			.flatMap((caller) -> this.accounts.changePassword(caller, change.currentPassword(), change.newPassword()));
	}

	@GetMapping("/me")
	Mono<Me> me() {
		return Principals.current().map(Me::of);
	}

	@GetMapping("/csrf")
	Mono<CsrfAnswer> csrf(ServerWebExchange exchange) {
		Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
		return (token != null) ? token.map((found) -> new CsrfAnswer(found.getHeaderName(), found.getToken()))
				: Mono.empty();
	}

	/**
	 * A login attempt.
	 *
	 * @param username the user name
	 * @param password the password
	 */
	record Login(String username, String password) {
	}

	/**
	 * A new password for the caller.
	 *
	 * @param currentPassword the password now
	 * @param newPassword the password to use from now on
	 */
	record PasswordChange(String currentPassword, String newPassword) {
	}

	/**
	 * Who is logged in, or whose key this is.
	 *
	 * @param userId the user's id
	 * @param username the user name
	 * @param tenant the tenant's id
	 * @param roles the roles
	 * @param scopes what this session or key may do
	 */
	record Me(String userId, String username, String tenant, Set<String> roles, Set<String> scopes) {

		static Me of(GatewayPrincipal principal) {
			return new Me(principal.userId(), principal.username(), principal.tenant(), principal.roles(),
					principal.scopes());
		}

	}

	/**
	 * The CSRF token a session sends back with every change.
	 *
	 * @param headerName the header to send it in
	 * @param token the token
	 */
	record CsrfAnswer(String headerName, String token) {
	}

	/**
	 * The ways to log in.
	 *
	 * @param password whether a user name and password work
	 * @param sso the single sign-on providers
	 */
	record Options(boolean password, List<Provider> sso) {
	}

	/**
	 * A single sign-on provider.
	 *
	 * @param id its registration's id
	 * @param name what to call it on the button
	 * @param url where the browser goes to sign in with it
	 */
	record Provider(String id, String name, String url) {
	}

}
