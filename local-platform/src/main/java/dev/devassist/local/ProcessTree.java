package dev.devassist.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts child processes apart from the terminal, and stops a process together with every
 * process it started: politely first, by force after a grace period.
 */
final class ProcessTree {

	private static final Logger logger = LoggerFactory.getLogger(ProcessTree.class);

	private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);

	private static final @Nullable Path SETSID = Stream.of("/usr/bin/setsid", "/bin/setsid")
		.map(Path::of)
		.filter(Files::isExecutable)
		.findFirst()
		.orElse(null);

	private ProcessTree() {
	}

	/**
	 * Runs a command in a session of its own where the system allows it. Ctrl-C signals
	 * the terminal's whole process group; a child outside it is left for the launcher to
	 * stop in order, after the services that depend on it.
	 * @param command the command
	 * @return the command to start instead
	 */
	static List<String> inOwnSession(List<String> command) {
		if (SETSID == null) {
			return command;
		}
		List<String> detached = new ArrayList<>(command.size() + 1);
		detached.add(SETSID.toString());
		detached.addAll(command);
		return List.copyOf(detached);
	}

	/**
	 * Stops a process with SIGTERM, kills it if it outlives the timeout, then does the
	 * same for whatever it started that outlived it.
	 * @param name the name to log
	 * @param process the process
	 * @param timeout how long it may take to stop
	 */
	static void terminate(String name, ProcessHandle process, Duration timeout) {
		// Taken before the stop: an orphan no longer shows up as a descendant.
		List<ProcessHandle> descendants = process.descendants().toList();

		terminateOne(name, process, timeout);

		for (ProcessHandle descendant : descendants) {
			if (descendant.isAlive()) {
				logger.info("Process {} that {} started outlived it; stopping it too.", descendant.pid(), name);
				terminateOne(name + "'s child", descendant, KILL_TIMEOUT);
			}
		}
	}

	/**
	 * Waits for a process to exit.
	 * @param process the process
	 * @param timeout how long to wait
	 * @return whether it exited in time
	 */
	static boolean awaitExit(ProcessHandle process, Duration timeout) {
		try {
			process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			return !process.isAlive();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !process.isAlive();
		}
	}

	private static void terminateOne(String name, ProcessHandle process, Duration timeout) {
		if (!process.isAlive()) {
			return;
		}

		process.destroy();
		if (awaitExit(process, timeout)) {
			return;
		}

		logger.warn("{} (pid {}) did not stop within {} s of SIGTERM; killing it.", name, process.pid(),
				timeout.toSeconds());
		process.destroyForcibly();
		if (!awaitExit(process, KILL_TIMEOUT)) {
			logger.error("{} (pid {}) survived SIGKILL; it has to be stopped by hand.", name, process.pid());
		}
	}

}
