package dev.devassist.gateway.routing;

import dev.devassist.gateway.GatewayProperties;

import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.GatewayFilterSpec;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The routes to the services. Each carries the largest body it takes as metadata, which
 * {@link BodyLimitFilter} enforces. The gateway's own API ({@code /api/auth},
 * {@code /api/keys}, {@code /api/admin}) is served by its controllers, not routed.
 */
@Configuration(proxyBeanMethods = false)
class RouteConfiguration {

	@Bean
	RouteLocator devassistRoutes(RouteLocatorBuilder builder, GatewayProperties properties) {
		GatewayProperties.Routes routes = properties.routes();
		long body = routes.maxBody().toBytes();
		long upload = routes.maxUploadBody().toBytes();
		return builder.routes()
			.route("assistant-websocket", (route) -> route.path("/ws/chat").uri(routes.assistantUrl()))
			.route("assistant",
					(route) -> route.path("/api/conversations/**", "/api/chat/**", "/v1/**", "/api/admin/usage")
						.metadata(BodyLimitFilter.MAX_BODY, body)
						.uri(routes.assistantUrl()))
			.route("rag-uploads",
					(route) -> route.path("/api/sources/uploads", "/api/sources/*/files")
						.metadata(BodyLimitFilter.MAX_BODY, upload)
						.uri(routes.ragUrl()))
			.route("rag",
					(route) -> route.path("/api/sources/**", "/api/search/**", "/api/jobs/**", "/api/webhooks/**")
						.metadata(BodyLimitFilter.MAX_BODY, body)
						.uri(routes.ragUrl()))
			.build();
	}

}
