package dev.devassist.proxy.forwarding;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The few fields of a request body that the proxy acts on, read with a streaming parser
 * that skips everything else, so a large prompt costs one pass and no tree.
 *
 * @param model the requested model
 * @param stream whether the client asked for a stream
 * @param user the end user, for session affinity
 */
record RequestFacts(String model, boolean stream, @Nullable String user) {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * Reads the fields, checking that the body is one well-formed JSON object.
	 * @param body the request body
	 * @return the facts
	 * @throws ProxyException when the body is not a JSON object or lacks a model
	 */
	static RequestFacts read(byte[] body) {
		if (body.length == 0) {
			throw ProxyException.badRequest("The request body is empty; expected a JSON object.", null);
		}
		String model = null;
		boolean stream = false;
		String user = null;
		try (JsonParser parser = JSON.createParser(body)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw ProxyException.badRequest("The request body must be a JSON object.", null);
			}
			while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				switch (name) {
					case "model" -> model = requireString(parser, value, "model");
					case "stream" -> stream = value == JsonToken.VALUE_TRUE;
					case "user" -> user = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
					default -> parser.skipChildren();
				}
			}
			if (parser.nextToken() != null) {
				throw ProxyException.badRequest("The request body holds more than one JSON value.", null);
			}
		}
		catch (JacksonException ex) {
			throw ProxyException.badRequest("The request body is not valid JSON: " + firstLine(ex.getOriginalMessage()),
					null);
		}
		if (model == null) {
			throw ProxyException.badRequest("Field 'model' is required.", "model");
		}
		return new RequestFacts(model, stream, user);
	}

	private static String requireString(JsonParser parser, JsonToken value, String name) {
		if (value != JsonToken.VALUE_STRING) {
			throw ProxyException.badRequest("Field '" + name + "' must be a string.", name);
		}
		return parser.getString();
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "unreadable input";
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

}
