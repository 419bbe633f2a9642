package dev.devassist.simulator.generation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the planner needs to know of a request to decide one choice's output.
 *
 * @param lastRole role of the last message ({@code user} for a plain completion)
 * @param lastText text of the last message, or the completion prompt
 * @param lastUserText text of the last user message
 * @param tools functions offered, empty when none
 * @param toolChoice {@code none}, {@code auto}, {@code required}, or the name of a
 * function that must be called
 * @param maxTokens most tokens to generate
 * @param minTokens fewest tokens to generate
 * @param ignoreEos whether to generate exactly {@code maxTokens}
 * @param stop strings that end the output where they first appear
 * @param seed the sampling seed, or null
 * @param promptHash a hash of the prompt, to vary generated text between prompts
 * @param choice the choice index, to vary generated text between choices
 */
public record PlanRequest(String lastRole, String lastText, String lastUserText, List<ToolDefinition> tools,
		String toolChoice, int maxTokens, int minTokens, boolean ignoreEos, List<String> stop, @Nullable Long seed,
		long promptHash, int choice) {

	public PlanRequest {
		tools = List.copyOf(tools);
		stop = List.copyOf(stop);
	}

}
