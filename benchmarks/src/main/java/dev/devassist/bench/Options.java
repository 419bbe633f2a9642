package dev.devassist.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads a harness's {@code --name=value} arguments, exiting with status 2 on anything
 * else or when a required one is missing.
 */
final class Options {

	private Options() {
	}

	static Map<String, String> parse(String[] args, String... required) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || !arg.contains("=")) {
				System.err.println("Arguments are --name=value; see the class comment. Got: " + arg);
				System.exit(2);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		for (String name : required) {
			if (!options.containsKey(name)) {
				System.err.println("--" + name + " is required");
				System.exit(2);
			}
		}
		return options;
	}

}
