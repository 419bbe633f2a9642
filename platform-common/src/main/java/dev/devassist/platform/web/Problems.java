package dev.devassist.platform.web;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes RFC 9457 problem+json answers outside Spring's own error handling, such as the
 * security filters' refusals.
 */
public final class Problems {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Problems() {
	}

	/**
	 * Answers with a problem.
	 * @param exchange the exchange
	 * @param status the status
	 * @param type a short stable name of the problem, as {@link ProblemAdvice} gives them
	 * @param detail what was wrong, for the caller to read
	 * @return completes when written
	 */
	public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String detail) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", ProblemAdvice.TYPE_BASE + type);
		problem.put("title", status.getReasonPhrase());
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", exchange.getRequest().getPath().value());
		String requestId = RequestIds.of(exchange);
		if (requestId != null) {
			problem.put(RequestIds.KEY, requestId);
		}
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		byte[] body = JSON.writeValueAsBytes(problem);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

}
