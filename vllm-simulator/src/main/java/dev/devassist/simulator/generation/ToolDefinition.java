package dev.devassist.simulator.generation;

import java.util.List;
import java.util.Map;

/**
 * A function the request offers the model, reduced to what argument synthesis needs.
 *
 * @param name the function's name
 * @param required names of the required parameters, in order
 * @param types JSON-schema type of each parameter, by name
 */
public record ToolDefinition(String name, List<String> required, Map<String, String> types) {

	public ToolDefinition {
		required = List.copyOf(required);
		types = Map.copyOf(types);
	}

}
