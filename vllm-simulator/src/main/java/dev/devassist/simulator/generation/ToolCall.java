package dev.devassist.simulator.generation;

/**
 * A call of a tool that the simulated model makes.
 *
 * @param id the call's id, echoed by the tool's result message
 * @param name the function's name
 * @param arguments the arguments as a JSON object in text
 */
public record ToolCall(String id, String name, String arguments) {
}
