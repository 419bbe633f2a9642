package dev.devassist.gateway.identity;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.devassist.gateway.GatewayProperties;
import dev.devassist.gateway.apikey.ApiKeys;
import dev.devassist.platform.identity.IdentityProperties;
import dev.devassist.platform.identity.InternalTokens;
import dev.devassist.platform.web.ManagementPort;
import dev.devassist.platform.web.Problems;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.ServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.context.ServerSecurityContextRepository;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;
import org.springframework.web.server.ServerWebExchange;

/**
 * Who may call what. A caller is a login session (cookie, with CSRF protection) or an API
 * key ({@code Authorization: Bearer dak_…}, no session, no CSRF); each route needs a
 * scope: chat for conversations, chat and the OpenAI API; search for search; ingest to
 * change sources (reading them takes search or ingest); admin, held by an admin, for
 * administration. API keys are managed from a session or with the admin scope. Health,
 * the login call and webhooks (which rag-service authenticates by their own secret) are
 * open.
 */
@Configuration(proxyBeanMethods = false)
class GatewaySecurityConfiguration {

	/** What the web UI needs, and nothing from elsewhere. */
	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
			+ "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
			+ "form-action 'self'; frame-ancestors 'none'";

	/**
	 * The web UI's files: public, since the login page is among them; its data is not.
	 */
	static final String[] WEB_UI = { "/", "/index.html", "/assets/**", "/webjars/**", "/favicon.ico" };

	private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.TRACE);

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	InternalTokenMinter internalTokenMinter(GatewayProperties properties, IdentityProperties identity, Clock clock) {
		PublicKey publicKey = InternalTokens.publicKey(InternalTokens.publicKeyPem(identity));
		return new InternalTokenMinter(properties.signing(), publicKey, clock);
	}

	/**
	 * Spring Security's own observations wrapped every filter of every call and cost more
	 * than the filters did; the HTTP server's observation still times every call.
	 */
	@Bean
	SecurityObservationSettings securityObservationSettings() {
		return SecurityObservationSettings.noObservations();
	}

	/**
	 * Calls that carry {@code Authorization}: an API key and nothing else; no session is
	 * read or made, and no CSRF token is needed, since nothing ambient authenticates
	 * them.
	 */
	/**
	 * Cross-origin calls, from the origins the settings name only, with an API key and
	 * never a cookie.
	 */
	@Bean
	CorsConfigurationSource corsConfigurationSource(GatewayProperties properties) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		List<String> origins = properties.cors().allowedOrigins();
		if (!origins.isEmpty()) {
			CorsConfiguration allowed = new CorsConfiguration();
			allowed.setAllowedOrigins(origins);
			allowed.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE"));
			allowed.setAllowedHeaders(List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT,
					"X-Request-Id", "Last-Event-ID"));
			allowed.setExposedHeaders(
					List.of("X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", HttpHeaders.RETRY_AFTER));
			allowed.setAllowCredentials(false);
			allowed.setMaxAge(Duration.ofHours(1));
			source.registerCorsConfiguration("/api/**", allowed);
			source.registerCorsConfiguration("/v1/**", allowed);
		}
		return source;
	}

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	SecurityWebFilterChain keyedCalls(ServerHttpSecurity http, ApiKeys keys, CorsConfigurationSource cors,
			Environment environment) {
		return rules(environment,
				http.cors((spec) -> spec.configurationSource(cors))
					.securityMatcher(GatewaySecurityConfiguration::carriesAuthorization)
					.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
					.addFilterAt(apiKeyFilter(keys), SecurityWebFiltersOrder.AUTHENTICATION)
					.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
					.csrf(ServerHttpSecurity.CsrfSpec::disable));
	}

	/** Every other call: a login session, or nobody. */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	SecurityWebFilterChain sessionCalls(ServerHttpSecurity http,
			ServerSecurityContextRepository sessionContextRepository, CorsConfigurationSource cors,
			ObjectProvider<ReactiveClientRegistrationRepository> registrations,
			ServerAuthenticationSuccessHandler ssoSuccess, ServerAuthenticationFailureHandler ssoFailure,
			Environment environment) {
		// Single sign-on, when an OpenID Connect client is configured: its redirect and
		// callback are GETs, and the callback ends in a session like a password login.
		ReactiveClientRegistrationRepository sso = registrations.getIfAvailable();
		if (sso != null) {
			http.oauth2Login((login) -> login.clientRegistrationRepository(sso)
				.authenticationSuccessHandler(ssoSuccess)
				.authenticationFailureHandler(ssoFailure));
		}
		return rules(environment,
				http.cors((spec) -> spec.configurationSource(cors))
					.securityContextRepository(sessionContextRepository)
					.csrf((csrf) -> csrf.csrfTokenRepository(CookieServerCsrfTokenRepository.withHttpOnlyFalse())
						.csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
						.requireCsrfProtectionMatcher(GatewaySecurityConfiguration::needsCsrfCheck)));
	}

	private static SecurityWebFilterChain rules(Environment environment, ServerHttpSecurity http) {
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/actuator/health", "/actuator/health/**")
				.permitAll()
				// Health and metrics on the management port, which only the cluster
				// reaches.
				.matchers(ManagementPort.matcher(environment))
				.permitAll()
				.pathMatchers(HttpMethod.GET, WEB_UI)
				.permitAll()
				.pathMatchers(HttpMethod.POST, "/api/auth/login")
				.permitAll()
				.pathMatchers(HttpMethod.GET, "/api/auth/csrf", "/api/auth/options")
				.permitAll()
				.pathMatchers(HttpMethod.POST, "/api/webhooks/**")
				.permitAll()
				.pathMatchers("/api/admin/**")
				.access(GatewaySecurityConfiguration::admin)
				.pathMatchers("/api/keys", "/api/keys/**")
				.hasAnyAuthority(GatewayAuthentication.SESSION, "SCOPE_admin")
				.pathMatchers("/api/conversations/**", "/api/chat/**", "/ws/chat", "/v1/**")
				.hasAuthority("SCOPE_chat")
				.pathMatchers("/api/search/**")
				.hasAuthority("SCOPE_search")
				.pathMatchers(HttpMethod.GET, "/api/sources/**", "/api/jobs/**")
				.hasAnyAuthority("SCOPE_search", "SCOPE_ingest")
				.pathMatchers("/api/sources/**", "/api/jobs/**")
				.hasAuthority("SCOPE_ingest")
				.anyExchange()
				.authenticated())
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
				.referrerPolicy((referrer) -> referrer
					.policy(ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.SAME_ORIGIN)))
			.exceptionHandling((handling) -> handling
				.authenticationEntryPoint(GatewaySecurityConfiguration::unauthorized)
				.accessDeniedHandler((exchange, denied) -> Problems.write(exchange, HttpStatus.FORBIDDEN, "forbidden",
						"Your key or session does not allow this request: it needs another scope or role.")))
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.build();
	}

	private static Mono<ServerWebExchangeMatcher.MatchResult> carriesAuthorization(ServerWebExchange exchange) {
		return exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
				? ServerWebExchangeMatcher.MatchResult.match() : ServerWebExchangeMatcher.MatchResult.notMatch();
	}

	private static AuthenticationWebFilter apiKeyFilter(ApiKeys keys) {
		ReactiveAuthenticationManager manager = (presented) -> keys.authenticate((String) presented.getCredentials())
			.<Authentication>map(GatewayAuthentication::new)
			.switchIfEmpty(Mono.error(() -> new BadCredentialsException(
					"The API key is unknown, revoked or expired, or its user is disabled.")));
		AuthenticationWebFilter filter = new AuthenticationWebFilter(manager);
		filter.setServerAuthenticationConverter(bearerKey());
		filter.setRequiresAuthenticationMatcher(GatewaySecurityConfiguration::carriesAuthorization);
		filter.setAuthenticationFailureHandler(
				(webFilterExchange, ex) -> unauthorized(webFilterExchange.getExchange(), ex));
		return filter;
	}

	private static ServerAuthenticationConverter bearerKey() {
		return (exchange) -> {
			String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
			if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
				return Mono.error(new BadCredentialsException(
						"Send an API key as 'Authorization: Bearer dak_…'; no other scheme is taken."));
			}
			String key = header.substring(7).strip();
			return Mono.just(new BearerKey(key));
		};
	}

	private static Mono<AuthorizationResult> admin(Mono<Authentication> authentication, AuthorizationContext context) {
		return authentication
			.<AuthorizationResult>map((caller) -> new AuthorizationDecision(
					caller instanceof GatewayAuthentication gateway && gateway.getPrincipal().isAdmin()))
			.defaultIfEmpty(new AuthorizationDecision(false));
	}

	private static Mono<ServerWebExchangeMatcher.MatchResult> needsCsrfCheck(ServerWebExchange exchange) {
		var request = exchange.getRequest();
		String path = request.getPath().pathWithinApplication().value();
		boolean exempt = SAFE.contains(request.getMethod()) || path.equals("/api/auth/login")
				|| path.startsWith("/api/webhooks/");
		return exempt ? ServerWebExchangeMatcher.MatchResult.notMatch() : ServerWebExchangeMatcher.MatchResult.match();
	}

	static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException ex) {
		boolean presented = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
		exchange.getResponse()
			.getHeaders()
			.set(HttpHeaders.WWW_AUTHENTICATE, presented ? "Bearer error=\"invalid_token\"" : "Bearer");
		String detail = presented ? ex.getMessage() : "Log in, or send an API key as 'Authorization: Bearer <key>'.";
		return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", detail);
	}

	/** An API key as presented, before it is checked. */
	static final class BearerKey extends AbstractAuthenticationToken {

		private final String key;

		BearerKey(String key) {
			super(List.of());
			this.key = key;
		}

		@Override
		public Object getCredentials() {
			return this.key;
		}

		@Override
		public Object getPrincipal() {
			return "api-key";
		}

	}

}
