package dev.devassist.platform.web;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;

/**
 * Turns every failure of a REST controller into RFC 9457 problem+json with the request
 * id: {@link ApiException}s as they say, bad bodies and parameters as 400s that name the
 * field, Spring's own status exceptions with their status, and anything unexpected as a
 * 500 that reveals nothing but the request id (the log has the rest).
 */
@RestControllerAdvice
public class ProblemAdvice {

	/** The base of every problem type this platform answers with. */
	public static final String TYPE_BASE = "https://devassist.dev/problems/";

	private static final Logger logger = LoggerFactory.getLogger(ProblemAdvice.class);

	@ExceptionHandler(ApiException.class)
	ResponseEntity<ProblemDetail> api(ApiException ex, ServerWebExchange exchange) {
		return answer(exchange, ex.status(), ex.type(), ex.getMessage(), ex.field());
	}

	@ExceptionHandler(WebExchangeBindException.class)
	ResponseEntity<ProblemDetail> binding(WebExchangeBindException ex, ServerWebExchange exchange) {
		var error = ex.getFieldError();
		String field = (error != null) ? error.getField() : null;
		String detail = (error != null) ? "Field '" + error.getField() + "' " + error.getDefaultMessage() + "."
				: "The request is invalid.";
		return answer(exchange, HttpStatus.BAD_REQUEST, "invalid-field", detail, field);
	}

	@ExceptionHandler(ServerWebInputException.class)
	ResponseEntity<ProblemDetail> input(ServerWebInputException ex, ServerWebExchange exchange) {
		JacksonException json = jacksonCause(ex);
		if (json != null && !json.getPath().isEmpty()) {
			String field = fieldOf(json);
			String first = String.valueOf(json.getOriginalMessage()).lines().findFirst().orElse("");
			first = (first.length() > 300) ? first.substring(0, 300) + "…" : first;
			return answer(exchange, HttpStatus.BAD_REQUEST, "invalid-field",
					"Field '" + field + "' cannot be read: " + first, field);
		}
		Throwable cause = ex.getMostSpecificCause();
		String reason = (cause instanceof DecodingException || json != null)
				? "The body is not valid JSON of the expected shape" : ex.getReason();
		String parameter = (ex.getMethodParameter() != null) ? ex.getMethodParameter().getParameterName() : null;
		return answer(exchange, HttpStatus.BAD_REQUEST, "invalid-request",
				(reason != null ? reason : "The request cannot be read") + ".", parameter);
	}

	private static @Nullable JacksonException jacksonCause(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof JacksonException json) {
				return json;
			}
		}
		return null;
	}

	/**
	 * The path of the field a body could not be read at, e.g. {@code sources[2]}.
	 */
	private static String fieldOf(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "body" : path.toString();
	}

	@ExceptionHandler(DecodingException.class)
	ResponseEntity<ProblemDetail> decoding(DecodingException ex, ServerWebExchange exchange) {
		return answer(exchange, HttpStatus.BAD_REQUEST, "invalid-request",
				"The request body cannot be read: " + ex.getMessage() + ".", null);
	}

	@ExceptionHandler(DataBufferLimitException.class)
	ResponseEntity<ProblemDetail> tooLarge(DataBufferLimitException ex, ServerWebExchange exchange) {
		return answer(exchange, HttpStatus.CONTENT_TOO_LARGE, "too-large",
				"The request is larger than this route accepts: " + ex.getMessage() + ".", null);
	}

	@ExceptionHandler(ResponseStatusException.class)
	ResponseEntity<ProblemDetail> status(ResponseStatusException ex, ServerWebExchange exchange) {
		HttpStatusCode code = ex.getStatusCode();
		HttpStatus status = HttpStatus.resolve(code.value());
		String reason = ex.getReason();
		String detail = (reason != null) ? reason : ((status != null) ? status.getReasonPhrase() : "Refused");
		return answer(exchange, code, "http-" + code.value(), detail, null);
	}

	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex, ServerWebExchange exchange) {
		logger.error("A request failed unexpectedly; answering 500.", ex);
		return answer(exchange, HttpStatus.INTERNAL_SERVER_ERROR, "internal",
				"Something went wrong on our side; quote the request id when reporting it.", null);
	}

	/**
	 * The problem answer every service gives, for handlers of its own.
	 * @param exchange the exchange
	 * @param status the status
	 * @param type a short stable name of the problem
	 * @param detail what was wrong, for the caller to read
	 * @param field the request field at fault, if one is
	 * @return the answer
	 */
	public static ResponseEntity<ProblemDetail> answer(ServerWebExchange exchange, HttpStatusCode status, String type,
			String detail, @Nullable String field) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_BASE + type));
		problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
		if (field != null) {
			problem.setProperty("field", field);
		}
		String requestId = RequestIds.of(exchange);
		if (requestId != null) {
			problem.setProperty(RequestIds.KEY, requestId);
		}
		// Set outright: on an SSE route the client accepts only text/event-stream, and
		// the
		// problem would otherwise go out as an event.
		return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
