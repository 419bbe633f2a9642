package dev.devassist.gateway.identity;

import dev.devassist.platform.web.RequestIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;
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
 * which may hold secrets), status, duration, tenant, user and key id, and the request id.
 * It runs before Spring Security, so calls that security refuses are logged too; the
 * caller of a call that got through is noted by {@link CallerNote}, which runs after.
 */
@Component
class AccessLog implements WebFilter, Ordered {

	static final String CALLER = AccessLog.class.getName() + ".caller";

	private static final Logger logger = LoggerFactory.getLogger("devassist.access");

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!logger.isInfoEnabled()) {
			return chain.filter(exchange);
		}
		long started = System.nanoTime();
		return chain.filter(exchange).doFinally((signal) -> log(exchange, started));
	}

	private static void log(ServerWebExchange exchange, long started) {
		GatewayPrincipal caller = exchange.getAttribute(CALLER);
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		int code = (status != null) ? status.value() : 0;
		String method = exchange.getRequest().getMethod().name();
		String path = exchange.getRequest().getPath().value();
		long micros = (System.nanoTime() - started) / 1000;
		LoggingEventBuilder line = logger.atInfo();
		if (MDC.get(RequestIds.KEY) == null) {
			// Structured logging refuses a key that the MDC holds too, and drops the
			// line.
			line = line.addKeyValue(RequestIds.KEY, String.valueOf(RequestIds.of(exchange)));
		}
		line.addKeyValue("http.request.method", method)
			.addKeyValue("url.path", path)
			.addKeyValue("http.response.status_code", code)
			.addKeyValue("event.duration_us", micros)
			.addKeyValue("tenant", (caller != null) ? caller.tenant() : "-")
			.addKeyValue("user.id", (caller != null) ? caller.userId() : "-")
			.addKeyValue("api_key", (caller != null && caller.keyId() != null) ? caller.keyId() : "-")
			.log("{} {} {} {} us, {}", method, path, code, micros, (caller != null) ? caller.callerKey() : "anonymous");
	}

	@Override
	public int getOrder() {
		// After the request id (highest precedence), before Spring Security's chain
		// (-100).
		return -200;
	}

	/**
	 * Notes the caller of a call that Spring Security let through, for the access log.
	 */
	@Component
	static final class CallerNote implements WebFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			return ReactiveSecurityContextHolder.getContext()
				.mapNotNull((context) -> context.getAuthentication())
				.filter(GatewayAuthentication.class::isInstance)
				.doOnNext((authentication) -> exchange.getAttributes()
					.put(CALLER, ((GatewayAuthentication) authentication).getPrincipal()))
				.then(chain.filter(exchange));
		}

		@Override
		public int getOrder() {
			return 0;
		}

	}

}
