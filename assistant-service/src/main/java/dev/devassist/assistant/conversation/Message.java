package dev.devassist.assistant.conversation;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A message in a conversation: the user's, or an answer with what it was built from.
 *
 * @param id its id
 * @param seq its place in the conversation, from 1
 * @param role {@code user} or {@code assistant}
 * @param content its text
 * @param status {@code complete}, {@code streaming}, {@code stopped}, {@code interrupted}
 * or {@code failed}
 * @param mode how an answer was made: {@code grounded}, {@code agent},
 * {@code retrieval-only} or {@code no-evidence}
 * @param model the model that wrote an answer
 * @param usage its token counts and timings
 * @param citations the evidence an answer cites
 * @param toolCalls the tools the agent ran for it
 * @param error why an answer failed or was cut short
 * @param feedback the user's verdict on it
 * @param createdAt when it was written
 */
public record Message(String id, int seq, String role, String content, String status, @Nullable String mode,
		@Nullable String model, @Nullable Usage usage, List<Citation> citations, List<ToolStep> toolCalls,
		@Nullable String error, @Nullable Feedback feedback, Instant createdAt) {

	/**
	 * What an answer cost and how fast it came.
	 *
	 * @param promptTokens tokens in the prompt, all steps together
	 * @param completionTokens tokens generated
	 * @param firstTokenMs milliseconds from the question to the first answer text
	 * @param latencyMs milliseconds from the question to the end of the answer
	 */
	public record Usage(@Nullable Integer promptTokens, @Nullable Integer completionTokens,
			@Nullable Integer firstTokenMs, @Nullable Integer latencyMs) {
	}

}
