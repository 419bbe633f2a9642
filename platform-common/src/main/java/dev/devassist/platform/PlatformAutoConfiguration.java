package dev.devassist.platform;

import dev.devassist.platform.identity.IdentityProperties;
import dev.devassist.platform.identity.InternalTokens;
import dev.devassist.platform.web.ManagementPort;
import dev.devassist.platform.web.ProblemAdvice;
import dev.devassist.platform.web.Problems;
import dev.devassist.platform.web.RejectedExchanges;
import dev.devassist.platform.web.RequestIds;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a DevAssist service gets by depending on this module: request ids, and every route
 * but health behind the gateway's internal identity token, with refusals as problem+json.
 * A service that needs other rules declares its own {@link SecurityWebFilterChain}.
 */
// The resource server's class name is too long to import within the line limit.
@AutoConfiguration(before = ReactiveUserDetailsServiceAutoConfiguration.class,
		beforeName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive."
				+ "ReactiveOAuth2ResourceServerAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(IdentityProperties.class)
@EnableWebFluxSecurity
public class PlatformAutoConfiguration {

	static {
		// The request id reaches the MDC through the Reactor context on every thread.
		Hooks.enableAutomaticContextPropagation();
	}

	@Bean
	RequestIds requestIds() {
		return new RequestIds();
	}

	@Bean
	static RejectedExchanges rejectedExchanges() {
		return new RejectedExchanges();
	}

	@Bean
	@ConditionalOnMissingBean
	ProblemAdvice problemAdvice() {
		return new ProblemAdvice();
	}

	@Bean
	@ConditionalOnMissingBean
	ReactiveJwtDecoder internalTokenDecoder(IdentityProperties properties) {
		return InternalTokens.decoder(InternalTokens.publicKeyPem(properties), properties);
	}

	@Bean
	@ConditionalOnMissingBean
	SecurityWebFilterChain platformSecurity(ServerHttpSecurity http, ReactiveJwtDecoder internalTokenDecoder,
			Environment environment) {
		return securityChain(http, internalTokenDecoder, environment);
	}

	/**
	 * The platform's rules: health open, the management port open, everything else behind
	 * the internal token, refusals as problem+json, no sessions. A service with routes
	 * that authenticate otherwise (a webhook with its own secret, say) builds its chain
	 * with them listed.
	 * @param http Spring Security's builder
	 * @param decoder the internal token's decoder
	 * @param environment where the management port is found: what arrives on it (health
	 * and metrics) is open
	 * @param alsoOpen path patterns that need no token, each checked by its own handler
	 * @return the chain
	 */
	public static SecurityWebFilterChain securityChain(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
			Environment environment, String... alsoOpen) {
		return http.authorizeExchange((exchanges) -> {
			exchanges.pathMatchers("/actuator/health", "/actuator/health/**").permitAll();
			exchanges.matchers(ManagementPort.matcher(environment)).permitAll();
			if (alsoOpen.length > 0) {
				exchanges.pathMatchers(alsoOpen).permitAll();
			}
			exchanges.anyExchange().authenticated();
		})
			.oauth2ResourceServer((server) -> server.jwt((jwt) -> jwt.jwtDecoder(decoder))
				.authenticationEntryPoint(PlatformAutoConfiguration::unauthorized)
				.accessDeniedHandler((exchange, denied) -> Problems.write(exchange, HttpStatus.FORBIDDEN, "forbidden",
						"The token does not allow this request.")))
			.exceptionHandling((handling) -> handling.authenticationEntryPoint(PlatformAutoConfiguration::unauthorized))
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.build();
	}

	private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException ex) {
		boolean presented = exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION);
		exchange.getResponse()
			.getHeaders()
			.set(HttpHeaders.WWW_AUTHENTICATE, presented ? "Bearer error=\"invalid_token\"" : "Bearer");
		String detail = presented ? "The bearer token was refused: " + ex.getMessage()
				: "This route needs the gateway's identity token: send 'Authorization: Bearer <token>'.";
		return Problems.write(exchange, HttpStatus.UNAUTHORIZED, "unauthorized", detail);
	}

}
