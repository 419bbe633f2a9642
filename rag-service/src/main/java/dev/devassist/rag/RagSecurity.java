package dev.devassist.rag;

import dev.devassist.platform.PlatformAutoConfiguration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * rag-service's routes: the platform's rules, except that GitLab's webhooks authenticate
 * by their own secret (checked by the webhook controller) rather than the gateway's
 * token.
 */
@Configuration(proxyBeanMethods = false)
class RagSecurity {

	@Bean
	SecurityWebFilterChain ragSecurityChain(ServerHttpSecurity http, ReactiveJwtDecoder internalTokenDecoder,
			Environment environment) {
		return PlatformAutoConfiguration.securityChain(http, internalTokenDecoder, environment,
				"/api/webhooks/gitlab/*");
	}

}
