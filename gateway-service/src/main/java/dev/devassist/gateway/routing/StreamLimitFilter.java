package dev.devassist.gateway.routing;

import java.time.Duration;

import dev.devassist.gateway.GatewayProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Ends an event stream from a service that has been silent for too long, or has lasted
 * too long in all, so a stuck service or a forgotten tab never holds a connection (and
 * the service's work behind it) without end. The stream ends cleanly: an SSE client sees
 * the end and may resume from its last event id.
 */
@Component
class StreamLimitFilter implements GlobalFilter, Ordered {

	private final Duration idle;

	private final Duration total;

	private final Counter idleEnded;

	private final Counter totalEnded;

	StreamLimitFilter(GatewayProperties properties, MeterRegistry meters) {
		this.idle = properties.routes().streamIdleTimeout();
		this.total = properties.routes().streamMaxDuration();
		this.idleEnded = Counter.builder("devassist.gateway.streams.ended")
			.description("Event streams the gateway ended, by why")
			.tag("reason", "idle")
			.register(meters);
		this.totalEnded = Counter.builder("devassist.gateway.streams.ended")
			.description("Event streams the gateway ended, by why")
			.tag("reason", "max-duration")
			.register(meters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return chain.filter(exchange.mutate().response(new Limited(exchange.getResponse())).build());
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 1;
	}

	private <T> Flux<T> limited(Flux<T> body) {
		Flux<T> silent = Flux.defer(() -> {
			this.idleEnded.increment();
			return Flux.empty();
		});
		Mono<Long> deadline = Mono.delay(this.total).doOnNext((tick) -> this.totalEnded.increment());
		return body.timeout(this.idle, silent).takeUntilOther(deadline);
	}

	private final class Limited extends ServerHttpResponseDecorator {

		Limited(ServerHttpResponse delegate) {
			super(delegate);
		}

		@Override
		public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
			return super.writeWith(isStream() ? limited(Flux.from(body)) : body);
		}

		@Override
		public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return super.writeAndFlushWith(isStream() ? limited(Flux.from(body)) : body);
		}

		private boolean isStream() {
			MediaType type = getHeaders().getContentType();
			return type != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(type);
		}

	}

}
