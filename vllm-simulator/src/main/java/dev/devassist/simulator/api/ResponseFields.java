package dev.devassist.simulator.api;

import java.util.List;

import dev.devassist.simulator.api.GenerationRunner.Job;
import dev.devassist.simulator.generation.ResponsePlan;
import tools.jackson.core.JsonGenerator;

/**
 * Fields that chat and text completions write alike.
 */
final class ResponseFields {

	private ResponseFields() {
	}

	static void writeEnvelope(JsonGenerator json, String id, String object, long created, String model) {
		json.writeStringProperty("id", id);
		json.writeStringProperty("object", object);
		json.writeNumberProperty("created", created);
		json.writeStringProperty("model", model);
	}

	/**
	 * Writes {@code usage}, counting every choice's output.
	 */
	static void writeUsage(JsonGenerator json, int promptTokens, List<Job> jobs) {
		int completionTokens = 0;
		for (Job job : jobs) {
			completionTokens += job.plan().pieces().size();
		}
		json.writeObjectPropertyStart("usage");
		json.writeNumberProperty("prompt_tokens", promptTokens);
		json.writeNumberProperty("total_tokens", promptTokens + completionTokens);
		json.writeNumberProperty("completion_tokens", completionTokens);
		json.writeNullProperty("prompt_tokens_details");
		json.writeEndObject();
	}

	/**
	 * Writes vLLM's {@code stop_reason}: the stop string that ended the choice, or null.
	 */
	static void writeStopReason(JsonGenerator json, ResponsePlan plan) {
		if (plan.stopReason() != null) {
			json.writeStringProperty("stop_reason", plan.stopReason());
		}
		else {
			json.writeNullProperty("stop_reason");
		}
	}

}
