package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request the proxy answers itself with an OpenAI-shaped error, as its backends would.
 */
public final class ProxyException extends RuntimeException {

	private static final JsonMapper JSON = Json.MAPPER;

	private final int status;

	private final String type;

	private final @Nullable String param;

	private final long retryAfterSeconds;

	ProxyException(int status, String type, String message, @Nullable String param) {
		this(status, type, message, param, 0);
	}

	ProxyException(int status, String type, String message, @Nullable String param, long retryAfterSeconds) {
		super(message, null, false, false);
		this.status = status;
		this.type = type;
		this.param = param;
		this.retryAfterSeconds = retryAfterSeconds;
	}

	static ProxyException badRequest(String message, @Nullable String param) {
		return new ProxyException(400, "BadRequestError", message, param);
	}

	public int status() {
		return this.status;
	}

	/**
	 * When the client may try again, for the {@code Retry-After} header.
	 * @return seconds, or 0 when the header is not sent
	 */
	public long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	/**
	 * The body: {@code {"error": {"message", "type", "param", "code"}}}.
	 * @return the body's bytes
	 */
	public byte[] body() {
		try (ByteArrayBuilder out = new ByteArrayBuilder(256); JsonGenerator json = JSON.createGenerator(out)) {
			writeError(json, getMessage(), this.type, this.param, this.status);
			json.flush();
			return out.toByteArray();
		}
	}

	/**
	 * The error as a server-sent event, which ends a stream that broke after it began.
	 * @return the event's bytes
	 */
	public byte[] event() {
		return ("data: " + new String(body(), StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	private static void writeError(JsonGenerator json, String message, String type, @Nullable String param, int code) {
		json.writeStartObject();
		json.writeObjectPropertyStart("error");
		json.writeStringProperty("message", message);
		json.writeStringProperty("type", type);
		if (param != null) {
			json.writeStringProperty("param", param);
		}
		else {
			json.writeNullProperty("param");
		}
		json.writeNumberProperty("code", code);
		json.writeEndObject();
		json.writeEndObject();
	}

}
