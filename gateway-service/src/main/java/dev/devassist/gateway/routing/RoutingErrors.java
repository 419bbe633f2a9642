package dev.devassist.gateway.routing;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import dev.devassist.platform.web.ProblemAdvice;
import io.netty.channel.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.channel.AbortedException;

import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * Answers a routed call whose service failed as problem+json: 503 when the service cannot
 * be reached, 504 when it did not answer in time, 502 when it broke the connection. The
 * first failure of a route is logged at warn.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class RoutingErrors {

	private static final Logger logger = LoggerFactory.getLogger(RoutingErrors.class);

	@ExceptionHandler({ ConnectException.class, ConnectTimeoutException.class })
	ResponseEntity<ProblemDetail> unreachable(Exception ex, ServerWebExchange exchange) {
		logger.warn("Route {} could not reach its service: {}", route(exchange), ex.getMessage());
		return ProblemAdvice.answer(exchange, HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable",
				"The service behind this route cannot be reached; try again shortly.", null);
	}

	@ExceptionHandler(TimeoutException.class)
	ResponseEntity<ProblemDetail> timedOut(TimeoutException ex, ServerWebExchange exchange) {
		logger.warn("Route {} timed out waiting for its service.", route(exchange));
		return ProblemAdvice.answer(exchange, HttpStatus.GATEWAY_TIMEOUT, "service-timeout",
				"The service behind this route did not answer in time.", null);
	}

	@ExceptionHandler(AbortedException.class)
	ResponseEntity<ProblemDetail> aborted(AbortedException ex, ServerWebExchange exchange) {
		logger.warn("Route {} lost its service's connection: {}", route(exchange), ex.getMessage());
		return ProblemAdvice.answer(exchange, HttpStatus.BAD_GATEWAY, "upstream-failed",
				"The service behind this route broke off its answer.", null);
	}

	private static String route(ServerWebExchange exchange) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		return (route != null) ? route.getId() : "(none)";
	}

}
