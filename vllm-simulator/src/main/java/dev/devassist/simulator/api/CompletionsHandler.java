package dev.devassist.simulator.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.devassist.simulator.api.GenerationRunner.Emission;
import dev.devassist.simulator.api.GenerationRunner.Job;
import dev.devassist.simulator.api.JsonFields.TextOrTokens;
import dev.devassist.simulator.engine.PrefixHashes;
import dev.devassist.simulator.faults.Faults;
import dev.devassist.simulator.generation.PlanRequest;
import dev.devassist.simulator.generation.ResponsePlan;
import dev.devassist.simulator.generation.ResponsePlanner;
import dev.devassist.simulator.tokens.ChatTemplate;
import tools.jackson.core.JsonGenerator;
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
		List<Prompt> prompts = new ArrayList<>();
		for (TextOrTokens prompt : request.textsOrTokens("prompt", MAX_PROMPTS)) {
			prompts.add((prompt.text() != null) ? new Prompt(prompt.text(), this.template.plain(prompt.text()))
					: new Prompt("", Objects.requireNonNull(prompt.ids())));
		}
		return prompts;
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
			ResponseFields.writeEnvelope(json, this.id, "text_completion", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			for (int choice = 0; choice < this.jobs.size(); choice++) {
				ResponsePlan plan = this.jobs.get(choice).plan();
				json.writeStartObject();
				json.writeNumberProperty("index", choice);
				json.writeStringProperty("text", plan.text());
				writeLogprobs(json, plan.pieces());
				json.writeStringProperty("finish_reason", plan.finishReason());
				ResponseFields.writeStopReason(json, plan);
				json.writeNullProperty("prompt_logprobs");
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeNullProperty("service_tier");
			json.writeNullProperty("system_fingerprint");
			ResponseFields.writeUsage(json, this.promptTokens, this.jobs);
			json.writeNullProperty("kv_transfer_params");
			json.writeEndObject();
		}

		void writeChunk(JsonGenerator json, Emission emission) {
			json.writeStartObject();
			ResponseFields.writeEnvelope(json, this.id, "text_completion", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			json.writeStartObject();
			json.writeNumberProperty("index", emission.choice());
			json.writeStringProperty("text", emission.piece());
			writeLogprobs(json, List.of(emission.piece()));
			if (emission.last()) {
				json.writeStringProperty("finish_reason", emission.plan().finishReason());
				ResponseFields.writeStopReason(json, emission.plan());
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
			ResponseFields.writeEnvelope(json, this.id, "text_completion", this.created, this.model);
			json.writeArrayPropertyStart("choices");
			json.writeEndArray();
			ResponseFields.writeUsage(json, this.promptTokens, this.jobs);
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

	}

}
