package dev.devassist.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One service of the platform: how to start it, where it listens, and how to tell that it
 * is ready.
 *
 * @param name the service's name, used in logs and in {@code platform.json}
 * @param port the port the service listens on
 * @param readinessPath the HTTP path that answers 200 once the service is ready
 * @param artifact the file the service runs from, relative to the root; a service whose
 * artifact is missing is skipped
 * @param command the command that starts the service, run in the root
 */
record ServiceDefinition(String name, int port, String readinessPath, Path artifact, List<String> command) {

	private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	ServiceDefinition {
		if (!NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"Service name '" + name + "' must be lower-case letters, digits and dashes");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("Port of " + name + " must be between 1 and 65535, not " + port);
		}
		if (!readinessPath.startsWith("/")) {
			throw new IllegalArgumentException(
					"Readiness path of " + name + " must start with '/', not '" + readinessPath + "'");
		}
		if (command.isEmpty()) {
			throw new IllegalArgumentException("Command of " + name + " must not be empty");
		}
		command = List.copyOf(command);
	}

	/**
	 * Defines a service that is a module of this build, run as {@code java -jar
	 * <module>/target/<module>.jar} on the launcher's own JDK.
	 * @param module the module's name, which is also the service's name
	 * @param port the port the service listens on
	 * @param readinessPath the HTTP path that answers 200 once the service is ready
	 * @param jvmOptions options for the service's JVM, before {@code -jar}
	 * @return the definition
	 */
	static ServiceDefinition module(String module, int port, String readinessPath, String... jvmOptions) {
		Path jar = Path.of(module, "target", module + ".jar");
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(List.of(jvmOptions));
		command.addAll(List.of("-jar", jar.toString()));
		return new ServiceDefinition(module, port, readinessPath, jar, command);
	}

	/**
	 * The {@code java} of the JDK the launcher runs on.
	 * @return its path
	 */
	static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	String readinessUrl() {
		return url() + this.readinessPath;
	}

}
