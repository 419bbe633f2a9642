package dev.devassist.assistant.conversation;

/**
 * One tool call the agent made in a turn, and what came back.
 *
 * @param id the model's id for the call
 * @param name the tool
 * @param arguments its arguments, as the model wrote them (JSON)
 * @param result what the tool returned, as the model saw it
 * @param ok whether the tool did what was asked
 */
public record ToolStep(String id, String name, String arguments, String result, boolean ok) {
}
