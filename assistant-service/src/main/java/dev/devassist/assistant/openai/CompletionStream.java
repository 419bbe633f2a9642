package dev.devassist.assistant.openai;

import java.util.ArrayList;
import java.util.List;

import dev.devassist.assistant.chat.ChatEvent;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a chat turn's events as an OpenAI chat completion: streamed as
 * {@code chat.completion.chunk}s ending with {@code [DONE]}, or whole. The answer's
 * sources follow it as a Markdown list, and as a {@code citations} array on the last
 * chunk; tool calls and notices become short italic lines so a plugin shows them.
 */
final class CompletionStream {

	private final JsonMapper json;

	private final String id;

	private final long created;

	private final String model;

	private final boolean usage;

	CompletionStream(JsonMapper json, String id, long created, String model, boolean usage) {
		this.json = json;
		this.id = id;
		this.created = created;
		this.model = model;
		this.usage = usage;
	}

	Flux<String> chunks(Flux<ChatEvent> events) {
		List<JsonNode> citations = new ArrayList<>();
		int[] tokens = new int[2];
		Flux<String> body = events.concatMap((event) -> {
			JsonNode fields = event.body();
			return switch (event.type()) {
				case "start" ->
					Flux.just(chunk(this.json.createObjectNode().put("role", "assistant").put("content", ""), null));
				case "delta" -> Flux.just(content(fields.path("text").asString()));
				case "notice" -> Flux.just(content("_" + fields.path("reason").asString() + "_\n\n"));
				case "tool_call" -> Flux.just(content("_Looking up with " + fields.path("name").asString() + "…_\n\n"));
				case "citation" -> {
					citations.add(fields);
					yield Flux.empty();
				}
				case "usage" -> {
					tokens[0] = fields.path("promptTokens").asInt();
					tokens[1] = fields.path("completionTokens").asInt();
					yield Flux.empty();
				}
				case "error" -> Flux.just(content("\n\n_The answer failed: " + fields.path("detail").asString() + "_"));
				case "done" -> Flux.fromIterable(end(fields, citations, tokens));
				default -> Flux.empty();
			};
		});
		return body.concatWithValues("[DONE]");
	}

	private List<String> end(JsonNode done, List<JsonNode> citations, int[] tokens) {
		List<String> end = new ArrayList<>();
		if (!citations.isEmpty()) {
			end.add(content(sources(citations)));
		}
		ObjectNode last = chunkNode(this.json.createObjectNode(), finishReason(done));
		last.set("citations", citationArray(citations));
		end.add(this.json.writeValueAsString(last));
		if (this.usage) {
			ObjectNode usage = base("chat.completion.chunk");
			usage.putArray("choices");
			usage.set("usage", usage(tokens));
			end.add(this.json.writeValueAsString(usage));
		}
		return end;
	}

	static ObjectNode whole(JsonMapper json, String id, long created, String model, List<ChatEvent> events) {
		CompletionStream writer = new CompletionStream(json, id, created, model, false);
		StringBuilder text = new StringBuilder();
		List<JsonNode> citations = new ArrayList<>();
		int[] tokens = new int[2];
		JsonNode done = json.createObjectNode();
		for (ChatEvent event : events) {
			JsonNode fields = event.body();
			switch (event.type()) {
				case "delta" -> text.append(fields.path("text").asString());
				case "notice" -> text.append('_').append(fields.path("reason").asString()).append("_\n\n");
				case "citation" -> citations.add(fields);
				case "usage" -> {
					tokens[0] = fields.path("promptTokens").asInt();
					tokens[1] = fields.path("completionTokens").asInt();
				}
				case "error" ->
					text.append("\n\n_The answer failed: ").append(fields.path("detail").asString()).append('_');
				case "done" -> done = fields;
				default -> {
				}
			}
		}
		if (!citations.isEmpty()) {
			text.append(sources(citations));
		}
		ObjectNode completion = writer.base("chat.completion");
		ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
		choice.putObject("message").put("role", "assistant").put("content", text.toString());
		choice.put("finish_reason", finishReason(done));
		completion.set("usage", writer.usage(tokens));
		completion.set("citations", writer.citationArray(citations));
		return completion;
	}

	private static String sources(List<JsonNode> citations) {
		StringBuilder text = new StringBuilder("\n\nSources:\n");
		for (JsonNode citation : citations) {
			text.append("- [")
				.append(citation.path("index").asInt())
				.append("] ")
				.append(citation.path("path").asString())
				.append(':')
				.append(citation.path("startLine").asInt())
				.append('-')
				.append(citation.path("endLine").asInt())
				.append('\n');
		}
		return text.toString();
	}

	private static String finishReason(JsonNode done) {
		String status = done.path("status").asString("complete");
		if (status.equals("complete")) {
			return done.path("finishReason").asString("stop").equals("length") ? "length" : "stop";
		}
		return "stop";
	}

	private String content(String text) {
		return chunk(this.json.createObjectNode().put("content", text), null);
	}

	private String chunk(ObjectNode delta, String finishReason) {
		ObjectNode chunk = chunkNode(delta, finishReason);
		return this.json.writeValueAsString(chunk);
	}

	private ObjectNode chunkNode(ObjectNode delta, String finishReason) {
		ObjectNode chunk = base("chat.completion.chunk");
		ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
		choice.set("delta", delta);
		if (finishReason != null) {
			choice.put("finish_reason", finishReason);
		}
		else {
			choice.putNull("finish_reason");
		}
		return chunk;
	}

	private ObjectNode base(String object) {
		return this.json.createObjectNode()
			.put("id", this.id)
			.put("object", object)
			.put("created", this.created)
			.put("model", this.model);
	}

	private ObjectNode usage(int[] tokens) {
		return this.json.createObjectNode()
			.put("prompt_tokens", tokens[0])
			.put("completion_tokens", tokens[1])
			.put("total_tokens", tokens[0] + tokens[1]);
	}

	private ArrayNode citationArray(List<JsonNode> citations) {
		ArrayNode array = this.json.createArrayNode();
		for (JsonNode citation : citations) {
			ObjectNode copy = ((ObjectNode) citation).deepCopy();
			copy.remove("type");
			copy.remove("seq");
			array.add(copy);
		}
		return array;
	}

}
