package dev.devassist.simulator.tokens;

/**
 * A chat message reduced to what the prompt template renders.
 *
 * @param role the author's role: system, user, assistant or tool
 * @param content the text, with any tool calls of an assistant message rendered as JSON
 */
public record ChatMessage(String role, String content) {
}
