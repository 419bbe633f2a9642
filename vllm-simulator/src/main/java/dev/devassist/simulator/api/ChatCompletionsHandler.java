package dev.devassist.simulator.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.devassist.simulator.api.GenerationRunner.Emission;
import dev.devassist.simulator.api.GenerationRunner.Job;
import dev.devassist.simulator.engine.PrefixHashes;
import dev.devassist.simulator.faults.Faults;
import dev.devassist.simulator.generation.PlanRequest;
import dev.devassist.simulator.generation.ResponsePlan;
import dev.devassist.simulator.generation.ResponsePlanner;
import dev.devassist.simulator.generation.ToolCall;
import dev.devassist.simulator.generation.ToolDefinition;
import dev.devassist.simulator.tokens.ChatMessage;
import dev.devassist.simulator.tokens.ChatTemplate;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/chat/completions}: renders the conversation through the chat template,
 * plans each choice, runs the choices through the engine and answers as vLLM does, whole
 * or as a stream of chunks.
 */
final class ChatCompletionsHandler implements ApiHandler {

	private static final int MAX_MESSAGES = 4096;

	private static final int MAX_TOOLS = 128;

	private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

	private final ModelCatalog catalog;

	private final ChatTemplate template;

	private final ResponsePlanner planner;

	private final GenerationRunner runner;

	private final Faults faults;

	private final int blockSize;

	ChatCompletionsHandler(ModelCatalog catalog, ChatTemplate template, ResponsePlanner planner,
			GenerationRunner runner, Faults faults, int blockSize) {
		this.catalog = catalog;
		this.template = template;
		this.planner = planner;
		this.runner = runner;
		this.faults = faults;
		this.blockSize = blockSize;
	}

	@Override
	public Mono<Void> handle(JsonFields request, HttpServerResponse response) {
		String model = this.catalog.requireGeneration(request.requiredString("model"), "Chat Completions");
		List<ChatMessage> messages = messages(request);
		List<ToolDefinition> tools = new ArrayList<>();
		JsonNode toolsNode = request.node("tools");
		String toolsJson = (toolsNode != null) ? readTools(toolsNode, tools) : "";
		String toolChoice = toolChoice(request, tools);

		int[] prompt = this.template.render(messages, toolsJson);
		SamplingParams params = SamplingParams.read(request, prompt.length, this.catalog.maxModelLen(), true);
		ChatMessage last = messages.getLast();
		String lastUserText = messages.reversed()
			.stream()
			.filter((message) -> message.role().equals("user"))
			.map(ChatMessage::content)
			.findFirst()
			.orElse("");
		long[] hashes = PrefixHashes.of(prompt, this.blockSize);
		long promptHash = Arrays.hashCode(prompt);
		List<Job> jobs = new ArrayList<>(params.n());
		for (int choice = 0; choice < params.n(); choice++) {
			ResponsePlan plan = this.planner
				.plan(new PlanRequest(last.role(), last.content(), lastUserText, tools, toolChoice, params.maxTokens(),
						params.minTokens(), params.ignoreEos(), params.stop(), params.seed(), promptHash, choice));
			jobs.add(new Job(prompt.length, hashes, plan));
		}

		Completion completion = new Completion(Ids.next("chatcmpl-"), Ids.epochSeconds(), model, prompt.length, jobs,
				params);
		if (params.stream()) {
			return stream(completion, response);
		}
		return this.runner.runToEnd(jobs)
			.then(Mono.defer(() -> Responses.json(response, 200, Json.write(completion::writeWhole))));
	}

	private Mono<Void> stream(Completion completion, HttpServerResponse response) {
		Flux<byte[]> head = Flux.range(0, completion.jobs().size())
			.map((choice) -> Json.event((json) -> completion.writeRoleChunk(json, choice)));
		Flux<byte[]> tokens = this.runner.stream(completion.jobs())
			.map((emission) -> Json.event((json) -> completion.writeTokenChunk(json, emission)));
		Flux<byte[]> tail = Flux.defer(() -> {
			List<byte[]> events = new ArrayList<>(2);
			if (completion.params().includeUsage()) {
				events.add(Json.event(completion::writeUsageChunk));
			}
			events.add(Json.DONE);
			return Flux.fromIterable(events);
		});
		return Responses.events(response, head, tokens, tail, this.faults);
	}

	private static List<ChatMessage> messages(JsonFields request) {
		JsonNode node = request.node("messages");
		if (node == null) {
			throw ApiException.badRequest("Field 'messages' is required.", "messages");
		}
		if (!node.isArray() || node.isEmpty()) {
			throw ApiException.badRequest("Field 'messages' must be a non-empty array of messages.", "messages");
		}
		if (node.size() > MAX_MESSAGES) {
			throw ApiException.badRequest("Field 'messages' may hold at most " + MAX_MESSAGES + " messages.",
					"messages");
		}
		List<ChatMessage> messages = new ArrayList<>(node.size());
		for (int i = 0; i < node.size(); i++) {
			messages.add(message(node.get(i), "messages[" + i + "]"));
		}
		return messages;
	}

	private static ChatMessage message(JsonNode node, String path) {
		if (!node.isObject()) {
			throw ApiException.badRequest("'" + path + "' must be an object.", path);
		}
		JsonNode role = node.get("role");
		if (role == null || !role.isString() || !ROLES.contains(role.asString())) {
			throw ApiException.badRequest(
					"'" + path + ".role' must be one of " + ROLES.stream().sorted().toList() + ".", path + ".role");
		}
		StringBuilder text = new StringBuilder(content(node.get("content"), path + ".content"));
		JsonNode toolCalls = node.get("tool_calls");
		if (toolCalls != null && !toolCalls.isNull()) {
			if (!toolCalls.isArray()) {
				throw ApiException.badRequest("'" + path + ".tool_calls' must be an array.", path + ".tool_calls");
			}
			text.append(toolCalls);
		}
		return new ChatMessage(role.asString(), text.toString());
	}

	private static String content(JsonNode content, String path) {
		if (content == null || content.isNull()) {
			return "";
		}
		if (content.isString()) {
			return content.asString();
		}
		if (!content.isArray()) {
			throw ApiException.badRequest("'" + path + "' must be a string or an array of content parts.", path);
		}
		StringBuilder text = new StringBuilder();
		for (JsonNode part : content) {
			String type = part.path("type").asString("");
			switch (type) {
				case "text" -> text.append(part.path("text").asString(""));
				case "image_url", "input_audio", "video_url", "file" -> text.append("<").append(type).append(">");
				default -> throw ApiException.badRequest(
						"'" + path + "' holds a part of unknown type '" + type + "'; expected text or image_url.",
						path);
			}
		}
		return text.toString();
	}

	private static String readTools(JsonNode node, List<ToolDefinition> tools) {
		if (!node.isArray()) {
			throw ApiException.badRequest("Field 'tools' must be an array.", "tools");
		}
		if (node.size() > MAX_TOOLS) {
			throw ApiException.badRequest("Field 'tools' may hold at most " + MAX_TOOLS + " tools.", "tools");
		}
		for (int i = 0; i < node.size(); i++) {
			JsonNode function = node.get(i).path("function");
			JsonNode name = function.get("name");
			if (name == null || !name.isString() || name.asString().isEmpty()) {
				throw ApiException.badRequest("'tools[" + i + "].function.name' is required.",
						"tools[" + i + "].function.name");
			}
			JsonNode parameters = function.path("parameters");
			List<String> required = new ArrayList<>();
			parameters.path("required").forEach((item) -> required.add(item.asString("")));
			Map<String, String> types = new HashMap<>();
			parameters.path("properties")
				.properties()
				.forEach((entry) -> types.put(entry.getKey(), entry.getValue().path("type").asString("string")));
			tools.add(new ToolDefinition(name.asString(), required, types));
		}
		return node.toString();
	}

	private static String toolChoice(JsonFields request, List<ToolDefinition> tools) {
		JsonNode choice = request.node("tool_choice");
		if (choice == null) {
			return tools.isEmpty() ? "none" : "auto";
		}
		if (choice.isString()) {
			String value = choice.asString();
			if (!List.of("none", "auto", "required").contains(value)) {
				throw ApiException.badRequest("'tool_choice' must be none, auto, required or a named function.",
						"tool_choice");
			}
			if (value.equals("required") && tools.isEmpty()) {
				throw ApiException.badRequest("When using `tool_choice`, `tools` must be set.", "tool_choice");
			}
			return value;
		}
		String name = choice.path("function").path("name").asString("");
		if (tools.stream().noneMatch((tool) -> tool.name().equals(name))) {
			throw ApiException.badRequest("Tool '" + name + "' named in 'tool_choice' is not among 'tools'.",
					"tool_choice");
		}
		return name;
	}

	/**
	 * One chat completion being answered, and how each of its JSON shapes is written.
	 */
	private record Completion(String id, long created, String model, int promptTokens, List<Job> jobs,
			SamplingParams params) {

		void writeWhole(JsonGenerator json) {
			json.writeStartObject();
			ResponseFields.writeEnvelope(json, this.id, "chat.completion", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			for (int choice = 0; choice < this.jobs.size(); choice++) {
				writeChoice(json, choice, this.jobs.get(choice).plan());
			}
			json.writeEndArray();
			json.writeNullProperty("service_tier");
			json.writeNullProperty("system_fingerprint");
			ResponseFields.writeUsage(json, this.promptTokens, this.jobs);
			json.writeNullProperty("prompt_logprobs");
			json.writeNullProperty("kv_transfer_params");
			json.writeEndObject();
		}

		private void writeChoice(JsonGenerator json, int choice, ResponsePlan plan) {
			json.writeStartObject();
			json.writeNumberProperty("index", choice);
			json.writeObjectPropertyStart("message");
			json.writeStringProperty("role", "assistant");
			if (plan.callsTools()) {
				json.writeNullProperty("content");
			}
			else {
				json.writeStringProperty("content", plan.text());
			}
			json.writeNullProperty("refusal");
			json.writeNullProperty("annotations");
			json.writeNullProperty("audio");
			json.writeNullProperty("function_call");
			json.writeArrayPropertyStart("tool_calls");
			for (ToolCall call : plan.toolCalls()) {
				json.writeStartObject();
				json.writeStringProperty("id", call.id());
				json.writeStringProperty("type", "function");
				json.writeObjectPropertyStart("function");
				json.writeStringProperty("name", call.name());
				json.writeStringProperty("arguments", call.arguments());
				json.writeEndObject();
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeNullProperty("reasoning_content");
			json.writeEndObject();
			if (this.params.logprobs()) {
				json.writeObjectPropertyStart("logprobs");
				json.writeArrayPropertyStart("content");
				for (String piece : plan.pieces()) {
					Logprobs.writeChatEntry(json, piece, this.params.topLogprobs());
				}
				json.writeEndArray();
				json.writeEndObject();
			}
			else {
				json.writeNullProperty("logprobs");
			}
			json.writeStringProperty("finish_reason", plan.finishReason());
			ResponseFields.writeStopReason(json, plan);
			json.writeEndObject();
		}

		void writeRoleChunk(JsonGenerator json, int choice) {
			json.writeStartObject();
			ResponseFields.writeEnvelope(json, this.id, "chat.completion.chunk", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			json.writeStartObject();
			json.writeNumberProperty("index", choice);
			json.writeObjectPropertyStart("delta");
			json.writeStringProperty("role", "assistant");
			json.writeStringProperty("content", "");
			json.writeEndObject();
			json.writeNullProperty("logprobs");
			json.writeNullProperty("finish_reason");
			json.writeEndObject();
			json.writeEndArray();
			json.writeEndObject();
		}

		void writeTokenChunk(JsonGenerator json, Emission emission) {
			ResponsePlan plan = emission.plan();
			json.writeStartObject();
			ResponseFields.writeEnvelope(json, this.id, "chat.completion.chunk", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			json.writeStartObject();
			json.writeNumberProperty("index", emission.choice());
			json.writeObjectPropertyStart("delta");
			if (plan.callsTools()) {
				writeToolCallDelta(json, emission);
			}
			else {
				json.writeStringProperty("content", emission.piece());
			}
			json.writeEndObject();
			if (this.params.logprobs()) {
				json.writeObjectPropertyStart("logprobs");
				json.writeArrayPropertyStart("content");
				Logprobs.writeChatEntry(json, emission.piece(), this.params.topLogprobs());
				json.writeEndArray();
				json.writeEndObject();
			}
			else {
				json.writeNullProperty("logprobs");
			}
			if (emission.last()) {
				json.writeStringProperty("finish_reason", plan.finishReason());
				ResponseFields.writeStopReason(json, plan);
			}
			else {
				json.writeNullProperty("finish_reason");
			}
			json.writeEndObject();
			json.writeEndArray();
			json.writeEndObject();
		}

		private static void writeToolCallDelta(JsonGenerator json, Emission emission) {
			ResponsePlan plan = emission.plan();
			int call = plan.toolCallOf(emission.index());
			boolean opening = plan.toolCallStarts().get(call) == emission.index();
			json.writeArrayPropertyStart("tool_calls");
			json.writeStartObject();
			json.writeNumberProperty("index", call);
			if (opening) {
				json.writeStringProperty("id", plan.toolCalls().get(call).id());
				json.writeStringProperty("type", "function");
			}
			json.writeObjectPropertyStart("function");
			if (opening) {
				json.writeStringProperty("name", plan.toolCalls().get(call).name());
			}
			json.writeStringProperty("arguments", emission.piece());
			json.writeEndObject();
			json.writeEndObject();
			json.writeEndArray();
		}

		void writeUsageChunk(JsonGenerator json) {
			json.writeStartObject();
			ResponseFields.writeEnvelope(json, this.id, "chat.completion.chunk", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			json.writeEndArray();
			ResponseFields.writeUsage(json, this.promptTokens, this.jobs);
			json.writeEndObject();
		}

	}

}
