package dev.devassist.simulator.api;

import org.jspecify.annotations.Nullable;

/**
 * A request that fails with an OpenAI-shaped error body, as vLLM answers.
 */
final class ApiException extends RuntimeException {

	private final int status;

	private final String type;

	private final @Nullable String param;

	ApiException(int status, String type, String message, @Nullable String param) {
		super(message, null, false, false);
		this.status = status;
		this.type = type;
		this.param = param;
	}

	static ApiException badRequest(String message, @Nullable String param) {
		return new ApiException(400, "BadRequestError", message, param);
	}

	static ApiException notFound(String message) {
		return new ApiException(404, "NotFoundError", message, null);
	}

	int status() {
		return this.status;
	}

	String type() {
		return this.type;
	}

	@Nullable String param() {
		return this.param;
	}

	/**
	 * The error body: {@code {"error": {"message", "type", "param", "code"}}}.
	 * @return the body's bytes
	 */
	byte[] body() {
		return Json.write((json) -> {
			json.writeStartObject();
			json.writeObjectPropertyStart("error");
			json.writeStringProperty("message", getMessage());
			json.writeStringProperty("type", this.type);
			if (this.param != null) {
				json.writeStringProperty("param", this.param);
			}
			else {
				json.writeNullProperty("param");
			}
			json.writeNumberProperty("code", this.status);
			json.writeEndObject();
			json.writeEndObject();
		});
	}

}
