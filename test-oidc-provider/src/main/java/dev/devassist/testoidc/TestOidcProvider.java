package dev.devassist.testoidc;

import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The provider: users {@code dana} (a developer) and {@code olga} (in the
 * {@code devassist-admins} group), each with password {@code sso-password-1}; the client
 * is registered through {@code spring.security.oauth2.authorizationserver.*} settings.
 */
@SpringBootApplication
public class TestOidcProvider {

	/** The password of every user here. */
	static final String PASSWORD = "{noop}sso-password-1";

	public static void main(String[] args) {
		SpringApplication.run(TestOidcProvider.class, args);
	}

	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(User.withUsername("dana").password(PASSWORD).roles("DEVELOPERS").build(),
				User.withUsername("olga").password(PASSWORD).roles("DEVELOPERS", "DEVASSIST-ADMINS").build());
	}

	/** Puts what a company's provider would into the ID token: name, e-mail, groups. */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims() {
		return (context) -> {
			if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
				return;
			}
			String name = context.getPrincipal().getName();
			List<String> groups = context.getPrincipal()
				.getAuthorities()
				.stream()
				.map(GrantedAuthority::getAuthority)
				.filter((authority) -> authority.startsWith("ROLE_"))
				.map((authority) -> authority.substring(5).toLowerCase())
				.toList();
			context.getClaims()
				.claim("preferred_username", name)
				.claim("email", name + "@example.com")
				.claim("groups", groups);
		};
	}

}
