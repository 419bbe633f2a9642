package dev.devassist.platform.web;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.context.ContextRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

import org.springframework.core.Ordered;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a plausible id,
 * or a new one. The id is returned on the response, kept as an exchange attribute, and
 * carried in the Reactor context, from which it reaches the logging MDC as
 * {@code requestId} on whatever thread handles the request. Runs before security, so that
 * refusals carry it too.
 */
public final class RequestIds implements WebFilter, Ordered {

	/** The header that carries the id in and out. */
	public static final String HEADER = "X-Request-Id";

	/** The id's name in the MDC, the Reactor context and the exchange's attributes. */
	public static final String KEY = "requestId";

	private static final int MAX_LENGTH = 128;

	static {
		ContextRegistry.getInstance()
			.registerThreadLocalAccessor(KEY, () -> MDC.get(KEY), (value) -> MDC.put(KEY, value),
					() -> MDC.remove(KEY));
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String given = exchange.getRequest().getHeaders().getFirst(HEADER);
		String id = plausible(given) ? given : mint();
		exchange.getResponse().getHeaders().set(HEADER, id);
		exchange.getAttributes().put(KEY, id);
		return chain.filter(exchange).contextWrite(Context.of(KEY, id));
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/**
	 * A WebClient filter that sends the id of the request being handled on to the service
	 * it calls, from the Reactor context this filter put it in.
	 * @return the filter
	 */
	public static ExchangeFilterFunction propagate() {
		return (request, next) -> Mono.deferContextual((context) -> {
			String id = context.getOrDefault(KEY, null);
			if (id == null || request.headers().containsHeader(HEADER)) {
				return next.exchange(request);
			}
			return next.exchange(ClientRequest.from(request).header(HEADER, id).build());
		});
	}

	/**
	 * The id of the request being handled.
	 * @param exchange the exchange
	 * @return the id, or null before this filter ran
	 */
	public static @Nullable String of(ServerWebExchange exchange) {
		return exchange.getAttribute(KEY);
	}

	/**
	 * Whether a caller's id may be kept: 1 to 128 letters, digits, {@code .}, {@code _},
	 * {@code :} or {@code -}. Anything else (control characters that would forge log
	 * lines, say) is replaced.
	 * @param id the header's value
	 * @return true when it is kept
	 */
	static boolean plausible(@Nullable String id) {
		if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == ':' || c == '-';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

	private static String mint() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
	}

}
