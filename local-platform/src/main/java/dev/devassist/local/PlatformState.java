package dev.devassist.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The files that tell other tools what runs: {@code platform.pid}, the launcher's pid,
 * and {@code platform.json}, what runs where. Both exist only while the launcher runs.
 * <p>
 * {@code ./devassist} reads the JSON with plain shell tools, so its layout is part of the
 * contract: one component per line, and no value that holds a quote or a comma.
 */
final class PlatformState {

	/** The launcher is starting its components. */
	static final String STARTING = "starting";

	/** Every component runs and every service answered its readiness check. */
	static final String READY = "ready";

	/** The launcher is stopping its components. */
	static final String STOPPING = "stopping";

	private final PlatformSettings settings;

	private final long pid;

	private boolean claimed;

	PlatformState(PlatformSettings settings, long pid) {
		this.settings = settings;
		this.pid = pid;
	}

	/**
	 * Takes the data folder for this launcher by writing its pid.
	 * @throws PlatformException when another live launcher holds the folder
	 */
	synchronized void claim() {
		Optional<Long> holder = readPid().filter((other) -> other != this.pid)
			.filter((other) -> ProcessHandle.of(other).map(ProcessHandle::isAlive).orElse(false));
		if (holder.isPresent()) {
			throw new PlatformException("The platform already runs from " + this.settings.dataDir() + " as pid "
					+ holder.get() + "; stop it first with ./devassist down");
		}

		writeAtomically(this.settings.pidFile(), this.pid + "\n");
		this.claimed = true;
	}

	/**
	 * Rewrites {@code platform.json}.
	 * @param status one of {@link #STARTING}, {@link #READY} and {@link #STOPPING}
	 * @param components what runs, in start order
	 */
	synchronized void write(String status, List<Placement> components) {
		if (this.claimed) {
			writeAtomically(this.settings.stateFile(), toJson(status, this.pid, this.settings, components));
		}
	}

	/**
	 * Deletes both files, if this launcher wrote them.
	 */
	synchronized void release() {
		if (!this.claimed) {
			return;
		}
		try {
			Files.deleteIfExists(this.settings.stateFile());
			Files.deleteIfExists(this.settings.pidFile());
			this.claimed = false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete the state files in " + this.settings.dataDir(), ex);
		}
	}

	static String toJson(String status, long pid, PlatformSettings settings, List<Placement> components) {
		StringBuilder json = new StringBuilder();
		json.append("{\n");
		json.append("  \"status\": ").append(quote(status)).append(",\n");
		json.append("  \"pid\": ").append(pid).append(",\n");
		json.append("  \"dataDir\": ").append(quote(settings.dataDir().toString())).append(",\n");
		json.append("  \"components\": [\n");
		for (int i = 0; i < components.size(); i++) {
			Placement component = components.get(i);
			json.append("    {\"name\": ")
				.append(quote(component.name()))
				.append(", \"pid\": ")
				.append(component.pid())
				.append(", \"port\": ")
				.append(component.port())
				.append(", \"url\": ")
				.append(quote(component.url()))
				.append(", \"health\": ")
				.append(quote(component.health()))
				.append("}")
				.append((i < components.size() - 1) ? ",\n" : "\n");
		}
		json.append("  ]\n");
		json.append("}\n");
		return json.toString();
	}

	private Optional<Long> readPid() {
		Path pidFile = this.settings.pidFile();
		try {
			return Files.exists(pidFile) ? Optional.of(Long.parseLong(Files.readString(pidFile).strip()))
					: Optional.empty();
		}
		catch (IOException | NumberFormatException ex) {
			// An unreadable pid file names no live launcher; claiming overwrites it.
			return Optional.empty();
		}
	}

	private static String quote(String value) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : value.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

	private static void writeAtomically(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			try {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + file, ex);
		}
	}

}
