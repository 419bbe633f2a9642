package dev.devassist.bench;

import java.util.HashMap;
import java.util.Map;

import io.netty.handler.codec.http.HttpHeaders;

/**
 * Reads a harness's {@code --name=value} arguments, exiting with status 2 on anything
 * else or when a required one is missing, and the headers given as system properties.
 */
final class Options {

	private static final String HEADER = "header.";

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

	/**
	 * Adds the headers given as system properties {@code header.NAME=VALUE}.
	 * @param headers a request's headers
	 * @return the same headers
	 */
	static HttpHeaders extraHeaders(HttpHeaders headers) {
		System.getProperties().forEach((name, value) -> {
			if (name instanceof String key && key.startsWith(HEADER)) {
				headers.set(key.substring(HEADER.length()), String.valueOf(value));
			}
		});
		return headers;
	}

}
