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
 * @param streamOptions whether the body has a {@code stream_options} object
 * @param usageAsked whether {@code stream_options.include_usage} is true, so that a
 * stream ends with a usage event the client wants
 */
record RequestFacts(String model, boolean stream, @Nullable String user, boolean streamOptions, boolean usageAsked) {

	private static final JsonMapper JSON = Json.MAPPER;

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
		boolean streamOptions = false;
		boolean usageAsked = false;
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
					case "stream_options" -> {
						streamOptions = value == JsonToken.START_OBJECT;
						if (streamOptions) {
							usageAsked = asksForUsage(parser);
						}
						else {
							parser.skipChildren();
						}
					}
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
		return new RequestFacts(model, stream, user, streamOptions, usageAsked);
	}

	/**
	 * Reads a {@code stream_options} object to its end.
	 */
	private static boolean asksForUsage(JsonParser parser) {
		boolean asked = false;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if (name.equals("include_usage")) {
				asked = value == JsonToken.VALUE_TRUE;
			}
			else {
				parser.skipChildren();
			}
		}
		return asked;
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
