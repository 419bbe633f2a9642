package dev.devassist.platform.web;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

/**
 * A request that cannot be served as asked, answered as problem+json with its status, a
 * stable type, what was wrong and, for bad input, which field.
 */
public class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final String type;

	private final @Nullable String field;

	/**
	 * Creates the exception.
	 * @param status the answer's status
	 * @param type a short stable name of the problem, e.g. {@code invalid-field}
	 * @param detail what was wrong, for the caller to read
	 * @param field the request field at fault, if one is
	 */
	public ApiException(HttpStatus status, String type, String detail, @Nullable String field) {
		super(detail);
		this.status = status;
		this.type = type;
		this.field = field;
	}

	/**
	 * A field with a value that cannot be used.
	 * @param field the field
	 * @param detail why
	 * @return the exception
	 */
	public static ApiException invalid(String field, String detail) {
		return new ApiException(HttpStatus.BAD_REQUEST, "invalid-field", detail, field);
	}

	/**
	 * Something the caller named that does not exist, or is not theirs to see.
	 * @param detail what was not found
	 * @return the exception
	 */
	public static ApiException notFound(String detail) {
		return new ApiException(HttpStatus.NOT_FOUND, "not-found", detail, null);
	}

	/**
	 * A request that clashes with the current state.
	 * @param detail how
	 * @return the exception
	 */
	public static ApiException conflict(String detail) {
		return new ApiException(HttpStatus.CONFLICT, "conflict", detail, null);
	}

	public HttpStatus status() {
		return this.status;
	}

	public String type() {
		return this.type;
	}

	public @Nullable String field() {
		return this.field;
	}

}
