package dev.devassist.simulator.generation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The output one choice will generate, decided before the engine runs: its token pieces,
 * why it ends, and any tool calls. For tool calls the pieces are the calls' arguments,
 * and {@code toolCallStarts} says at which piece each call begins.
 *
 * @param pieces the output's tokens as text, at least one
 * @param finishReason {@code stop}, {@code length} or {@code tool_calls}
 * @param stopReason the stop string that ended the output, or null
 * @param toolCalls the calls, empty for a text answer
 * @param toolCallStarts the first piece of each call
 */
public record ResponsePlan(List<String> pieces, String finishReason, @Nullable String stopReason,
		List<ToolCall> toolCalls, List<Integer> toolCallStarts) {

	public ResponsePlan {
		if (pieces.isEmpty()) {
			throw new IllegalArgumentException("A plan has at least one token");
		}
		pieces = List.copyOf(pieces);
		toolCalls = List.copyOf(toolCalls);
		toolCallStarts = List.copyOf(toolCallStarts);
	}

	public boolean callsTools() {
		return !this.toolCalls.isEmpty();
	}

	/**
	 * The whole text of the output.
	 * @return the pieces joined
	 */
	public String text() {
		return String.join("", this.pieces);
	}

	/**
	 * Finds the call that a piece belongs to.
	 * @param piece the piece's index
	 * @return the call's index, or -1 when the output is text
	 */
	public int toolCallOf(int piece) {
		int call = -1;
		for (int i = 0; i < this.toolCallStarts.size() && this.toolCallStarts.get(i) <= piece; i++) {
			call = i;
		}
		return call;
	}

}
