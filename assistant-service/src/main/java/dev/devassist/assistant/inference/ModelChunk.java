package dev.devassist.assistant.inference;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one chunk of a streamed completion carries that assistant-service uses.
 *
 * @param text answer text, possibly empty
 * @param toolCalls tool calls completed in this chunk (the stream's pieces are joined
 * before they are given out)
 * @param finishReason why generation ended, on the last chunk with a choice
 * @param usage token counts, on the final chunk
 */
public record ModelChunk(String text, List<ModelMessage.ToolCall> toolCalls, @Nullable String finishReason,
		@Nullable Usage usage) {

	/**
	 * Token counts of a completion.
	 *
	 * @param promptTokens tokens in the prompt
	 * @param completionTokens tokens generated
	 */
	public record Usage(int promptTokens, int completionTokens) {
	}

}
