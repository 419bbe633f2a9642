package dev.devassist.gateway.routing;

import java.util.concurrent.atomic.AtomicLong;

import dev.devassist.platform.web.Problems;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;

/**
 * Refuses a body larger than its route takes: at once by its {@code Content-Length}, or,
 * for a body sent in chunks, as soon as the bytes counted pass the limit.
 */
@Component
class BodyLimitFilter implements GlobalFilter, Ordered {

	/** The route metadata naming the largest body, in bytes. */
	static final String MAX_BODY = "max-body";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		Object limit = (route != null) ? route.getMetadata().get(MAX_BODY) : null;
		if (!(limit instanceof Number number)) {
			return chain.filter(exchange);
		}
		long max = number.longValue();
		long declared = exchange.getRequest().getHeaders().getContentLength();
		if (declared > max) {
			return Problems.write(exchange, HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
					"The body has " + declared + " bytes; this route takes at most " + max + ".");
		}
		if (declared >= 0) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().request(counted(exchange.getRequest(), max)).build());
	}

	private static ServerHttpRequest counted(ServerHttpRequest request, long max) {
		AtomicLong seen = new AtomicLong();
		return new ServerHttpRequestDecorator(request) {

			@Override
			public Flux<DataBuffer> getBody() {
				return super.getBody().handle((buffer, sink) -> {
					if (seen.addAndGet(buffer.readableByteCount()) > max) {
						DataBufferUtils.release(buffer);
						sink.error(new ResponseStatusException(HttpStatus.CONTENT_TOO_LARGE,
								"The body passed " + max + " bytes, the most this route takes."));
						return;
					}
					sink.next(buffer);
				});
			}

		};
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
