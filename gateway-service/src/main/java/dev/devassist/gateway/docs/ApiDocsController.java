package dev.devassist.gateway.docs;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.devassist.gateway.GatewayProperties;
import dev.devassist.gateway.identity.InternalTokenMinter;
import dev.devassist.gateway.identity.Principals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springdoc.webflux.api.OpenApiWebfluxResource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code GET /api/docs}: the OpenAPI description of the gateway's own APIs and of the
 * services' it routes to, read from each (with the caller's own internal token) and
 * merged. A service that does not answer within a few seconds is left out and named in
 * {@code x-devassist-unavailable}.
 */
@RestController
class ApiDocsController {

	private static final Logger logger = LoggerFactory.getLogger(ApiDocsController.class);

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private static final String VERSION = "1";

	private final OpenApiWebfluxResource own;

	private final InternalTokenMinter tokens;

	private final GatewayProperties.Routes routes;

	private final WebClient http = WebClient.create();

	ApiDocsController(OpenApiWebfluxResource own, InternalTokenMinter tokens, GatewayProperties properties) {
		this.own = own;
		this.tokens = tokens;
		this.routes = properties.routes();
	}

	@GetMapping(path = "/api/docs", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<JsonNode> docs(ServerWebExchange exchange) {
		return Principals.current().flatMap((caller) -> {
			String token = this.tokens.token(caller);
			Mono<ApiDocs.Part> gateway = Mono.defer(() -> ownDocs(exchange))
				.map((bytes) -> new ApiDocs.Part("gateway-service", "Gateway",
						List.of("/api/auth", "/api/keys", "/api/admin/users", "/api/admin/tenants", "/api/docs"),
						JSON.readTree(bytes)));
			Mono<ApiDocs.Part> assistant = fetch("assistant-service", "Assistant", this.routes.assistantUrl(), token,
					List.of("/api/conversations", "/api/chat", "/api/admin/usage", "/v1/"));
			Mono<ApiDocs.Part> rag = fetch("rag-service", "Rag", this.routes.ragUrl(), token,
					List.of("/api/sources", "/api/search", "/api/jobs", "/api/webhooks"));
			return Flux.concat(gateway, assistant, rag).collectList().map((parts) -> ApiDocs.merge(VERSION, parts));
		});
	}

	private Mono<byte[]> ownDocs(ServerWebExchange exchange) {
		try {
			return this.own.openapiJson(exchange.getRequest(), "/v3/api-docs", Locale.ENGLISH);
		}
		catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
			return Mono.error(new IllegalStateException("The gateway's own API description cannot be written", ex));
		}
	}

	private Mono<ApiDocs.Part> fetch(String service, String prefix, String base, String token, List<String> paths) {
		return this.http.get()
			.uri(base + "/v3/api-docs")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.accept(MediaType.APPLICATION_JSON)
			.retrieve()
			.bodyToMono(String.class)
			.timeout(PATIENCE)
			.map((text) -> new ApiDocs.Part(service, prefix, paths, JSON.readTree(text)))
			.onErrorResume((ex) -> {
				logger.warn("The API description of {} could not be read: {}", service, ex.toString());
				return Mono.just(new ApiDocs.Part(service, prefix, paths, null));
			});
	}

}
