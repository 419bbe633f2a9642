package dev.devassist.assistant.agent;

import java.util.ArrayList;
import java.util.List;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.assistant.Identity;
import dev.devassist.assistant.grounding.Filters;
import dev.devassist.assistant.grounding.Passage;
import dev.devassist.assistant.grounding.RagClient;
import dev.devassist.assistant.grounding.RagUnavailableException;
import dev.devassist.assistant.inference.ModelMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The agent's tools: {@code search_code}, {@code read_file} and {@code list_sources}.
 * Each runs with the caller's own token, so rag-service scopes it to the caller's tenant,
 * and within the turn's source filter, so a passage that asks for another source's files
 * is refused no matter who wrote it.
 */
public class AgentTools {

	private static final JsonMapper JSON = JsonMapper.shared();

	private final RagClient rag;

	private final AssistantProperties.Agent properties;

	private final ArrayNode definitions;

	public AgentTools(RagClient rag, AssistantProperties.Agent properties) {
		this.rag = rag;
		this.properties = properties;
		this.definitions = build(properties.readFileMaxLines());
	}

	/**
	 * The tools, as OpenAI's {@code tools} array.
	 * @return a copy to send
	 */
	public ArrayNode definitions() {
		return this.definitions.deepCopy();
	}

	private static ArrayNode build(int readFileMaxLines) {
		ArrayNode tools = JSON.createArrayNode();
		ObjectNode search = function(tools, "search_code",
				"Search the team's code and documents. Returns numbered passages you can cite.");
		ObjectNode searchProperties = search.putObject("properties");
		searchProperties.putObject("query").put("type", "string").put("description", "What to look for");
		searchProperties.putObject("path").put("type", "string").put("description", "Optional glob over paths");
		searchProperties.putObject("language").put("type", "string").put("description", "Optional language id");
		search.putArray("required").add("query");

		ObjectNode read = function(tools, "read_file",
				"Read lines of one file of a source. At most " + readFileMaxLines + " lines.");
		ObjectNode readProperties = read.putObject("properties");
		readProperties.putObject("source_id").put("type", "string");
		readProperties.putObject("path").put("type", "string");
		readProperties.putObject("start_line").put("type", "integer").put("minimum", 1);
		readProperties.putObject("end_line").put("type", "integer").put("minimum", 1);
		read.putArray("required").add("source_id").add("path");

		ObjectNode list = function(tools, "list_sources", "List the sources you may search: id, name, kind, files.");
		list.putObject("properties");
		return tools;
	}

	private static ObjectNode function(ArrayNode tools, String name, String description) {
		ObjectNode function = tools.addObject().put("type", "function").putObject("function");
		function.put("name", name).put("description", description);
		return function.putObject("parameters").put("type", "object");
	}

	/**
	 * Runs one tool call.
	 * @param identity who asks; the tool runs with its token
	 * @param call the model's call
	 * @param scope the turn's source filter
	 * @return what came back; a failure is an outcome too, for the model to read
	 */
	public Mono<Outcome> run(Identity identity, ModelMessage.ToolCall call, Filters scope) {
		JsonNode arguments;
		try {
			arguments = JSON.readTree(call.arguments());
		}
		catch (JacksonException ex) {
			return Mono.just(Outcome.failed("The arguments are not valid JSON: " + ex.getOriginalMessage()));
		}
		if (!arguments.isObject()) {
			return Mono.just(Outcome.failed("The arguments must be a JSON object."));
		}
		Mono<Outcome> outcome = switch (call.name()) {
			case "search_code" -> search(identity, arguments, scope);
			case "read_file" -> read(identity, arguments, scope);
			case "list_sources" -> list(identity, scope);
			default -> Mono.just(Outcome.failed(
					"There is no tool '" + call.name() + "'; the tools are search_code, read_file and list_sources."));
		};
		return outcome
			.onErrorResume(RagUnavailableException.class,
					(ex) -> Mono.just(Outcome.failed("The sources cannot be reached: " + ex.getMessage())))
			.onErrorResume(WebClientResponseException.class, (ex) -> Mono.just(Outcome
				.failed("The sources refused the call (" + ex.getStatusCode().value() + "): " + detail(ex))));
	}

	private Mono<Outcome> search(Identity identity, JsonNode arguments, Filters scope) {
		String query = text(arguments, "query");
		if (query == null) {
			return Mono.just(Outcome.failed("search_code needs a non-empty 'query'."));
		}
		String language = text(arguments, "language");
		Filters filters = new Filters(scope.sources(),
				(text(arguments, "path") != null) ? text(arguments, "path") : scope.path(),
				(language != null) ? List.of(language) : scope.languages());
		return this.rag.retrieve(identity, query, filters).map((retrieval) -> {
			if (retrieval.unavailable() != null) {
				return Outcome.failed("The sources cannot be searched now: " + retrieval.unavailable());
			}
			return new Outcome(true, (retrieval.passages().isEmpty()) ? "No passages matched." : "",
					retrieval.passages());
		});
	}

	private Mono<Outcome> read(Identity identity, JsonNode arguments, Filters scope) {
		String sourceId = text(arguments, "source_id");
		String path = text(arguments, "path");
		if (sourceId == null || path == null) {
			return Mono.just(Outcome.failed("read_file needs 'source_id' and 'path'."));
		}
		if (scope.sources() != null && !scope.sources().contains(sourceId)) {
			return Mono.just(Outcome.failed("Source " + sourceId
					+ " is outside this conversation's sources; only these may be read: " + scope.sources() + "."));
		}
		int start = Math.max(1, arguments.path("start_line").asInt(1));
		int asked = arguments.path("end_line").asInt(start + this.properties.readFileMaxLines() - 1);
		int end = Math.max(start, Math.min(asked, start + this.properties.readFileMaxLines() - 1));
		return this.rag.lines(identity, sourceId, path, start, end).map((lines) -> {
			StringBuilder text = new StringBuilder();
			int number = lines.path("startLine").asInt(start);
			for (JsonNode line : lines.path("lines")) {
				text.append(line.asString()).append('\n');
				number++;
			}
			int last = Math.max(lines.path("startLine").asInt(start), number - 1);
			Passage passage = new Passage(sourceId, lines.path("path").asString(path),
					lines.path("startLine").asInt(start), last, null, lines.path("language").asString("text"), 1.0,
					truncated(text.toString()), "/sources/" + sourceId + "/files/" + path + "#L" + start + "-L" + last);
			String note = (asked > end) ? "Only lines " + start + "-" + end + " are returned; ask for the rest." : "";
			return new Outcome(true, note, List.of(passage));
		});
	}

	private Mono<Outcome> list(Identity identity, Filters scope) {
		return this.rag.sources(identity).map((sources) -> {
			ArrayNode listed = JSON.createArrayNode();
			for (JsonNode source : sources) {
				String id = source.path("id").asString();
				if (scope.sources() != null && !scope.sources().contains(id)) {
					continue;
				}
				listed.addObject()
					.put("id", id)
					.put("name", source.path("name").asString())
					.put("kind", source.path("kind").asString())
					.put("status", source.path("status").asString())
					.put("files", source.path("fileCount").asInt());
			}
			return new Outcome(true, truncated(JSON.writeValueAsString(listed)), List.of());
		});
	}

	private String truncated(String text) {
		int most = this.properties.toolResultMaxChars();
		return (text.length() <= most) ? text : text.substring(0, most) + "\n[cut at " + most + " characters]";
	}

	private static @Nullable String text(JsonNode arguments, String field) {
		JsonNode value = arguments.path(field);
		return (value.isString() && !value.asString().isBlank()) ? value.asString().strip() : null;
	}

	private static String detail(WebClientResponseException ex) {
		try {
			return JSON.readTree(ex.getResponseBodyAsString()).path("detail").asString(ex.getStatusText());
		}
		catch (RuntimeException notJson) {
			return ex.getStatusText();
		}
	}

	/**
	 * What a tool call gave.
	 *
	 * @param ok whether it did what was asked
	 * @param text what the model reads besides passages: a listing, a note or the failure
	 * @param passages lines it found or read, to be numbered and cited
	 */
	public record Outcome(boolean ok, String text, List<Passage> passages) {

		static Outcome failed(String reason) {
			return new Outcome(false, reason, List.of());
		}

		/**
		 * A copy of the passages list, for callers that number them.
		 * @return the passages
		 */
		public List<Passage> found() {
			return new ArrayList<>(this.passages);
		}

	}

}
