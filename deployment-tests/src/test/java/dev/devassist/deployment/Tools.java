package dev.devassist.deployment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command-line tools some checks run (promtool, amtool): found on the PATH, and
 * required where CI runs (`.ci/run` installs them); elsewhere a missing tool skips the
 * check with the package to install.
 */
final class Tools {

	private Tools() {
	}

	static void require(String tool, String debianPackage) {
		boolean found = System.getenv("PATH") != null && List.of(System.getenv("PATH").split(":"))
			.stream()
			.anyMatch((directory) -> Files.isExecutable(Path.of(directory, tool)));
		if (!found && System.getenv("CI") != null) {
			throw new AssertionError(tool + " is missing; .ci/run installs it (apt-get install " + debianPackage + ")");
		}
		assumeTrue(found, tool + " is not installed: apt-get install " + debianPackage);
	}

	/**
	 * Runs a command in the repository's root and returns what it printed.
	 * @param command the command and its arguments
	 * @return its exit status and output
	 */
	static Outcome run(String... command) {
		return runWith(Map.of(), command);
	}

	/**
	 * Runs a command in the repository's root with more environment variables.
	 * @param environment the variables to add
	 * @param command the command and its arguments
	 * @return its exit status and output
	 */
	static Outcome runWith(Map<String, String> environment, String... command) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("..").toFile())
				.redirectErrorStream(true);
			builder.environment().putAll(environment);
			Process process = builder.start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				throw new AssertionError(String.join(" ", command) + " did not finish in two minutes");
			}
			return new Outcome(process.exitValue(), new String(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new AssertionError("could not run " + command[0], ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	record Outcome(int status, String output) {
	}

}
