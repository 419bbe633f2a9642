package dev.devassist.simulator.api;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Typed, validated access to a request's JSON fields. Each failure is a 400 that names
 * the field and says what was wrong with it.
 */
final class JsonFields {

	private final ObjectNode body;

	private JsonFields(ObjectNode body) {
		this.body = body;
	}

	static JsonFields parse(byte[] bytes) {
		if (bytes.length == 0) {
			throw ApiException.badRequest("The request body is empty; expected a JSON object.", null);
		}
		JsonNode node;
		try {
			node = Json.MAPPER.readTree(bytes);
		}
		catch (RuntimeException ex) {
			throw ApiException.badRequest("The request body is not valid JSON: " + firstLine(ex.getMessage()), null);
		}
		if (!(node instanceof ObjectNode object)) {
			throw ApiException.badRequest("The request body must be a JSON object.", null);
		}
		return new JsonFields(object);
	}

	ObjectNode body() {
		return this.body;
	}

	@Nullable JsonNode node(String name) {
		JsonNode value = this.body.get(name);
		return (value == null || value.isNull()) ? null : value;
	}

	String requiredString(String name) {
		JsonNode value = node(name);
		if (value == null) {
			throw ApiException.badRequest("Field '" + name + "' is required.", name);
		}
		if (!value.isString()) {
			throw ApiException.badRequest("Field '" + name + "' must be a string.", name);
		}
		return value.asString();
	}

	@Nullable Integer integer(String name, int min, int max) {
		JsonNode value = node(name);
		if (value == null) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt()) {
			throw ApiException.badRequest("Field '" + name + "' must be an integer.", name);
		}
		int number = value.intValue();
		if (number < min || number > max) {
			throw ApiException.badRequest(
					"Field '" + name + "' must be between " + min + " and " + max + ", but was " + number + ".", name);
		}
		return number;
	}

	@Nullable Long longValue(String name) {
		JsonNode value = node(name);
		if (value == null) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw ApiException.badRequest("Field '" + name + "' must be an integer.", name);
		}
		return value.longValue();
	}

	void number(String name, double min, double max) {
		JsonNode value = node(name);
		if (value == null) {
			return;
		}
		if (!value.isNumber()) {
			throw ApiException.badRequest("Field '" + name + "' must be a number.", name);
		}
		double number = value.doubleValue();
		if (!(number >= min && number <= max)) {
			throw ApiException.badRequest(
					"Field '" + name + "' must be between " + min + " and " + max + ", but was " + number + ".", name);
		}
	}

	boolean bool(String name) {
		JsonNode value = node(name);
		if (value == null) {
			return false;
		}
		if (!value.isBoolean()) {
			throw ApiException.badRequest("Field '" + name + "' must be a boolean.", name);
		}
		return value.booleanValue();
	}

	/**
	 * Reads a field that holds a string or an array of strings.
	 */
	List<String> strings(String name, int maxItems) {
		JsonNode value = node(name);
		if (value == null) {
			return List.of();
		}
		if (value.isString()) {
			return List.of(value.asString());
		}
		if (!value.isArray()) {
			throw ApiException.badRequest("Field '" + name + "' must be a string or an array of strings.", name);
		}
		if (value.size() > maxItems) {
			throw ApiException.badRequest(
					"Field '" + name + "' may hold at most " + maxItems + " items, but held " + value.size() + ".",
					name);
		}
		List<String> strings = new ArrayList<>(value.size());
		for (JsonNode item : value) {
			if (!item.isString()) {
				throw ApiException.badRequest("Field '" + name + "' must hold only strings.", name);
			}
			strings.add(item.asString());
		}
		return strings;
	}

	/**
	 * Reads a field that holds a string, an array of strings, an array of token ids, or
	 * an array of such arrays, as {@code prompt} and {@code input} do.
	 * @param name the field
	 * @param maxItems most items in an array of strings or of token-id arrays
	 * @return one entry for each text or token-id array, in order
	 */
	List<TextOrTokens> textsOrTokens(String name, int maxItems) {
		JsonNode value = node(name);
		if (value == null) {
			throw ApiException.badRequest("Field '" + name + "' is required.", name);
		}
		if (value.isString()) {
			return List.of(text(value, name));
		}
		if (!value.isArray() || value.isEmpty()) {
			throw ApiException.badRequest(
					"Field '" + name
							+ "' must be a string, an array of strings, or an array of token ids or of such arrays.",
					name);
		}
		if (value.get(0).isIntegralNumber()) {
			return List.of(tokens(value, name));
		}
		if (value.size() > maxItems) {
			throw ApiException.badRequest(
					"Field '" + name + "' may hold at most " + maxItems + " items, but held " + value.size() + ".",
					name);
		}
		List<TextOrTokens> items = new ArrayList<>(value.size());
		for (JsonNode item : value) {
			if (item.isString()) {
				items.add(text(item, name));
			}
			else if (item.isArray() && !item.isEmpty()) {
				items.add(tokens(item, name));
			}
			else {
				throw ApiException
					.badRequest("Each item of '" + name + "' must be a non-empty string or token-id array.", name);
			}
		}
		return items;
	}

	private static TextOrTokens text(JsonNode node, String name) {
		if (node.asString().isEmpty()) {
			throw ApiException.badRequest("Field '" + name + "' must not hold empty strings.", name);
		}
		return new TextOrTokens(node.asString(), null);
	}

	private static TextOrTokens tokens(JsonNode node, String name) {
		int[] ids = new int[node.size()];
		for (int i = 0; i < ids.length; i++) {
			JsonNode id = node.get(i);
			if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
				throw ApiException.badRequest("Field '" + name + "' must hold only non-negative token ids.", name);
			}
			ids[i] = id.intValue();
		}
		return new TextOrTokens(null, ids);
	}

	private static String firstLine(@Nullable String message) {
		if (message == null) {
			return "unreadable input";
		}
		int newline = message.indexOf('\n');
		return (newline >= 0) ? message.substring(0, newline) : message;
	}

	/**
	 * One prompt or input, given as text or as token ids.
	 *
	 * @param text the text, or null when given as ids
	 * @param ids the token ids, or null when given as text
	 */
	record TextOrTokens(@Nullable String text, int @Nullable [] ids) {
	}

}
