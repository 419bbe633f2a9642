package dev.devassist.gateway.identity;

import dev.devassist.platform.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * One access log line a call, with structured fields: method, path (never the query,
 * which may hold secrets), status, duration, tenant, user and key id, and the request id
 * from the MDC. Runs after the security filters so that it knows the caller; a call that
 * security refused is logged by the filter's own {@code doFinally} with no caller.
 */
@Component
class AccessLog implements WebFilter, Ordered {

	private static final String CALLER = AccessLog.class.getName() + ".caller";

	private static final Logger logger = LoggerFactory.getLogger("devassist.access");

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long started = System.nanoTime();
		return ReactiveSecurityContextHolder.getContext()
			.mapNotNull((context) -> context.getAuthentication())
			.filter(GatewayAuthentication.class::isInstance)
			.doOnNext((authentication) -> exchange.getAttributes()
				.put(CALLER, ((GatewayAuthentication) authentication).getPrincipal()))
			.then(chain.filter(exchange))
			.doFinally((signal) -> log(exchange, started));
	}

	private static void log(ServerWebExchange exchange, long started) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		GatewayPrincipal caller = exchange.getAttribute(CALLER);
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		long micros = (System.nanoTime() - started) / 1000;
		logger.atInfo()
			.addKeyValue("http.request.method", exchange.getRequest().getMethod().name())
			.addKeyValue("url.path", exchange.getRequest().getPath().value())
			.addKeyValue("http.response.status_code", (status != null) ? status.value() : 0)
			.addKeyValue("event.duration_us", micros)
			.addKeyValue("tenant", (caller != null) ? caller.tenant() : "-")
			.addKeyValue("user.id", (caller != null) ? caller.userId() : "-")
			.addKeyValue("api_key", (caller != null && caller.keyId() != null) ? caller.keyId() : "-")
			.addKeyValue(RequestIds.KEY, String.valueOf(RequestIds.of(exchange)))
			.log("{} {} {} {} us", exchange.getRequest().getMethod().name(), exchange.getRequest().getPath().value(),
					(status != null) ? status.value() : 0, micros);
	}

	@Override
	public int getOrder() {
		// After Spring Security's chain (-100), so the caller is known.
		return 0;
	}

}
