package dev.devassist.simulator.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.devassist.simulator.api.GenerationRunner.Emission;
import dev.devassist.simulator.api.GenerationRunner.Job;
import dev.devassist.simulator.engine.PrefixHashes;
import dev.devassist.simulator.faults.Faults;
import dev.devassist.simulator.generation.PlanRequest;
import dev.devassist.simulator.generation.ResponsePlan;
import dev.devassist.simulator.generation.ResponsePlanner;
import dev.devassist.simulator.tokens.ChatTemplate;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/completions}: one or several prompts, given as text or token ids, each
 * answered with {@code n} choices.
 */
final class CompletionsHandler implements ApiHandler {

	private static final int MAX_PROMPTS = 256;

	private final ModelCatalog catalog;

	private final ChatTemplate template;

	private final ResponsePlanner planner;

	private final GenerationRunner runner;

	private final Faults faults;

	private final int blockSize;

	CompletionsHandler(ModelCatalog catalog, ChatTemplate template, ResponsePlanner planner, GenerationRunner runner,
			Faults faults, int blockSize) {
		this.catalog = catalog;
		this.template = template;
		this.planner = planner;
		this.runner = runner;
		this.faults = faults;
		this.blockSize = blockSize;
	}

	@Override
	public Mono<Void> handle(JsonFields request, HttpServerResponse response) {
		String model = this.catalog.requireGeneration(request.requiredString("model"), "Completions");
		List<Prompt> prompts = prompts(request);
		int longest = prompts.stream().mapToInt((prompt) -> prompt.ids().length).max().orElse(0);
		SamplingParams params = SamplingParams.read(request, longest, this.catalog.maxModelLen(), false);

		List<Job> jobs = new ArrayList<>(prompts.size() * params.n());
		int promptTokens = 0;
		for (Prompt prompt : prompts) {
			long[] hashes = PrefixHashes.of(prompt.ids(), this.blockSize);
			long promptHash = Arrays.hashCode(prompt.ids());
			promptTokens += prompt.ids().length;
			for (int choice = 0; choice < params.n(); choice++) {
				ResponsePlan plan = this.planner
					.plan(new PlanRequest("user", prompt.text(), prompt.text(), List.of(), "none", params.maxTokens(),
							params.minTokens(), params.ignoreEos(), params.stop(), params.seed(), promptHash, choice));
				jobs.add(new Job(prompt.ids().length, hashes, plan));
			}
		}

		TextCompletion completion = new TextCompletion(Ids.next("cmpl-"), Ids.epochSeconds(), model, promptTokens, jobs,
				params);
		if (params.stream()) {
			Flux<byte[]> tokens = this.runner.stream(jobs)
				.map((emission) -> Json.event((json) -> completion.writeChunk(json, emission)));
			Flux<byte[]> tail = Flux.defer(() -> params.includeUsage()
					? Flux.just(Json.event(completion::writeUsageChunk), Json.DONE) : Flux.just(Json.DONE));
			return Responses.events(response, Flux.empty(), tokens, tail, this.faults);
		}
		return this.runner.runToEnd(jobs)
			.then(Mono.defer(() -> Responses.json(response, 200, Json.write(completion::writeWhole))));
	}

	private List<Prompt> prompts(JsonFields request) {
		JsonNode prompt = request.node("prompt");
		if (prompt == null) {
			throw ApiException.badRequest("Field 'prompt' is required.", "prompt");
		}
		if (prompt.isString()) {
			return List.of(textPrompt(prompt.asString()));
		}
		if (!prompt.isArray() || prompt.isEmpty()) {
			throw ApiException.badRequest(
					"Field 'prompt' must be a string, an array of strings, or an array of token ids or of such arrays.",
					"prompt");
		}
		if (prompt.get(0).isIntegralNumber()) {
			return List.of(tokenPrompt(prompt, "prompt"));
		}
		if (prompt.size() > MAX_PROMPTS) {
			throw ApiException.badRequest("Field 'prompt' may hold at most " + MAX_PROMPTS + " prompts.", "prompt");
		}
		List<Prompt> prompts = new ArrayList<>(prompt.size());
		for (int i = 0; i < prompt.size(); i++) {
			JsonNode item = prompt.get(i);
			if (item.isString()) {
				prompts.add(textPrompt(item.asString()));
			}
			else if (item.isArray()) {
				prompts.add(tokenPrompt(item, "prompt[" + i + "]"));
			}
			else {
				throw ApiException.badRequest("'prompt[" + i + "]' must be a string or an array of token ids.",
						"prompt");
			}
		}
		return prompts;
	}

	private Prompt textPrompt(String text) {
		if (text.isEmpty()) {
			throw ApiException.badRequest("Field 'prompt' must not be empty.", "prompt");
		}
		return new Prompt(text, this.template.plain(text));
	}

	private static Prompt tokenPrompt(JsonNode node, String path) {
		if (node.isEmpty()) {
			throw ApiException.badRequest("'" + path + "' must not be empty.", "prompt");
		}
		int[] ids = new int[node.size()];
		for (int i = 0; i < ids.length; i++) {
			JsonNode id = node.get(i);
			if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
				throw ApiException.badRequest("'" + path + "' must hold only non-negative token ids.", "prompt");
			}
			ids[i] = id.intValue();
		}
		return new Prompt("", ids);
	}

	private record Prompt(String text, int[] ids) {
	}

	/**
	 * One completion being answered, and how each of its JSON shapes is written.
	 */
	private record TextCompletion(String id, long created, String model, int promptTokens, List<Job> jobs,
			SamplingParams params) {

		void writeWhole(JsonGenerator json) {
			json.writeStartObject();
			writeEnvelope(json);
			json.writeArrayPropertyStart("choices");
			for (int choice = 0; choice < this.jobs.size(); choice++) {
				ResponsePlan plan = this.jobs.get(choice).plan();
				json.writeStartObject();
				json.writeNumberProperty("index", choice);
				json.writeStringProperty("text", plan.text());
				writeLogprobs(json, plan.pieces());
				json.writeStringProperty("finish_reason", plan.finishReason());
				writeStopReason(json, plan);
				json.writeNullProperty("prompt_logprobs");
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeNullProperty("service_tier");
			json.writeNullProperty("system_fingerprint");
			writeUsage(json);
			json.writeNullProperty("kv_transfer_params");
			json.writeEndObject();
		}

		void writeChunk(JsonGenerator json, Emission emission) {
			json.writeStartObject();
			writeEnvelope(json);
			json.writeArrayPropertyStart("choices");
			json.writeStartObject();
			json.writeNumberProperty("index", emission.choice());
			json.writeStringProperty("text", emission.piece());
			writeLogprobs(json, List.of(emission.piece()));
			if (emission.last()) {
				json.writeStringProperty("finish_reason", emission.plan().finishReason());
				writeStopReason(json, emission.plan());
			}
			else {
				json.writeNullProperty("finish_reason");
				json.writeNullProperty("stop_reason");
			}
			json.writeEndObject();
			json.writeEndArray();
			json.writeEndObject();
		}

		void writeUsageChunk(JsonGenerator json) {
			json.writeStartObject();
			writeEnvelope(json);
			json.writeArrayPropertyStart("choices");
			json.writeEndArray();
			writeUsage(json);
			json.writeEndObject();
		}

		private void writeLogprobs(JsonGenerator json, List<String> pieces) {
			if (this.params.logprobs()) {
				Logprobs.writeCompletionLogprobs(json, pieces, this.params.topLogprobs());
			}
			else {
				json.writeNullProperty("logprobs");
			}
		}

		private void writeEnvelope(JsonGenerator json) {
			json.writeStringProperty("id", this.id);
			json.writeStringProperty("object", "text_completion");
			json.writeNumberProperty("created", this.created);
			json.writeStringProperty("model", this.model);
		}

		private void writeUsage(JsonGenerator json) {
			int completionTokens = 0;
			for (Job job : this.jobs) {
				completionTokens += job.plan().pieces().size();
			}
			Usage.write(json, this.promptTokens, completionTokens);
		}

		private static void writeStopReason(JsonGenerator json, ResponsePlan plan) {
			if (plan.stopReason() != null) {
				json.writeStringProperty("stop_reason", plan.stopReason());
			}
			else {
				json.writeNullProperty("stop_reason");
			}
		}

	}

}
