package dev.devassist.gateway.docs;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges the OpenAPI descriptions of the gateway and its services into one. Each part's
 * schemas are renamed with the part's prefix (and every reference to them rewritten), so
 * two services' {@code Page} never collide; paths are kept as they are, since the gateway
 * routes them unchanged.
 */
final class ApiDocs {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String SCHEMAS = "#/components/schemas/";

	private ApiDocs() {
	}

	/**
	 * One service's description, or the lack of it.
	 *
	 * @param service the service's name, e.g. {@code rag-service}
	 * @param prefix what its schemas' names start with in the whole
	 * @param paths which of its paths the gateway serves: path prefixes
	 * @param openApi its description, or null when it could not be read
	 */
	record Part(String service, String prefix, List<String> paths, @Nullable JsonNode openApi) {
	}

	static ObjectNode merge(String version, List<Part> parts) {
		ObjectNode whole = JSON.createObjectNode();
		whole.put("openapi", "3.1.0");
		whole.putObject("info")
			.put("title", "DevAssist API")
			.put("version", version)
			.put("description", "Everything the gateway serves. Call it with an API key "
					+ "('Authorization: Bearer dak_…') or, from the web UI, with the login session.");
		whole.putArray("servers").addObject().put("url", "/");
		whole.putArray("security").add(JSON.createObjectNode().set("apiKey", JSON.createArrayNode()));
		ObjectNode paths = whole.putObject("paths");
		ObjectNode components = whole.putObject("components");
		ObjectNode schemas = components.putObject("schemas");
		ObjectNode security = components.putObject("securitySchemes");
		security.putObject("apiKey")
			.put("type", "http")
			.put("scheme", "bearer")
			.put("description", "An API key made under Settings or at POST /api/keys.");
		security.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", "SESSION");
		ArrayNode unavailable = JSON.createArrayNode();
		for (Part part : parts) {
			if (part.openApi() == null) {
				unavailable.add(part.service());
				continue;
			}
			JsonNode renamed = renamed(part.openApi(), part.prefix());
			for (Map.Entry<String, JsonNode> schema : renamed.path("components").path("schemas").properties()) {
				schemas.set(part.prefix() + schema.getKey(), schema.getValue());
			}
			for (Map.Entry<String, JsonNode> path : renamed.path("paths").properties()) {
				if (part.paths().stream().noneMatch(path.getKey()::startsWith)) {
					continue;
				}
				ObjectNode operations = (paths.get(path.getKey()) instanceof ObjectNode known) ? known
						: paths.putObject(path.getKey());
				for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
					if (operation.getValue() instanceof ObjectNode described) {
						described.put("x-devassist-service", part.service());
					}
					operations.set(operation.getKey(), operation.getValue());
				}
			}
		}
		if (!unavailable.isEmpty()) {
			whole.set("x-devassist-unavailable", unavailable);
		}
		return whole;
	}

	/** A copy of the description with every schema reference given the prefix. */
	private static JsonNode renamed(JsonNode node, String prefix) {
		if (node instanceof ObjectNode object) {
			ObjectNode copy = JSON.createObjectNode();
			for (Map.Entry<String, JsonNode> field : object.properties()) {
				JsonNode value = field.getValue();
				if (field.getKey().equals("$ref") && value.isString() && value.asString().startsWith(SCHEMAS)) {
					copy.put("$ref", SCHEMAS + prefix + value.asString().substring(SCHEMAS.length()));
				}
				else {
					copy.set(field.getKey(), renamed(value, prefix));
				}
			}
			return copy;
		}
		if (node instanceof ArrayNode array) {
			ArrayNode copy = JSON.createArrayNode();
			array.forEach((item) -> copy.add(renamed(item, prefix)));
			return copy;
		}
		return node;
	}

}
