package dev.devassist.assistant.inference;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One message of a chat completion request, in OpenAI's shape.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content its text; absent on an assistant message that only calls tools
 * @param toolCalls the tools an assistant message calls
 * @param toolCallId the call a tool message answers
 */
public record ModelMessage(String role, @Nullable String content, List<ToolCall> toolCalls,
		@Nullable String toolCallId) {

	public static ModelMessage system(String content) {
		return new ModelMessage("system", content, List.of(), null);
	}

	public static ModelMessage user(String content) {
		return new ModelMessage("user", content, List.of(), null);
	}

	public static ModelMessage assistant(String content) {
		return new ModelMessage("assistant", content, List.of(), null);
	}

	public static ModelMessage toolCalls(@Nullable String content, List<ToolCall> calls) {
		return new ModelMessage("assistant", content, List.copyOf(calls), null);
	}

	public static ModelMessage toolResult(String callId, String content) {
		return new ModelMessage("tool", content, List.of(), callId);
	}

	/**
	 * A tool call the model made.
	 *
	 * @param id the model's id for it
	 * @param name the tool
	 * @param arguments its arguments, as JSON text
	 */
	public record ToolCall(String id, String name, String arguments) {
	}

}
