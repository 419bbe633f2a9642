package dev.devassist.gateway.routing;

import java.util.List;

import dev.devassist.platform.web.RequestIds;

import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Drops from a service's answer the headers the gateway sets itself (the request id and
 * the security headers), so that the caller gets each once, as the gateway set it.
 */
@Component
class GatewayOwnedHeaders implements HttpHeadersFilter {

	private static final List<String> OWNED = List.of(RequestIds.HEADER, HttpHeaders.CACHE_CONTROL, HttpHeaders.PRAGMA,
			HttpHeaders.EXPIRES, "X-Content-Type-Options", "X-Frame-Options", "X-XSS-Protection", "Referrer-Policy",
			"Content-Security-Policy", "Strict-Transport-Security");

	@Override
	public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
		HttpHeaders kept = new HttpHeaders();
		input.forEach((name, values) -> {
			if (OWNED.stream().noneMatch(name::equalsIgnoreCase)) {
				kept.put(name, values);
			}
		});
		return kept;
	}

	@Override
	public boolean supports(Type type) {
		return type == Type.RESPONSE;
	}

}
