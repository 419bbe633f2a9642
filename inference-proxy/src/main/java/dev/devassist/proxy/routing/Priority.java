package dev.devassist.proxy.routing;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The priority bands of the {@code x-priority} header, highest first: a person waiting in
 * the chat outranks an IDE's background call, which outranks batch work such as
 * ingestion.
 */
public enum Priority {

	/** A person is watching the answer appear. */
	INTERACTIVE,

	/** An IDE plugin's call: completions, quick edits. */
	IDE,

	/** Work nobody waits on, such as embedding a repository. */
	BATCH;

	private static final Priority[] VALUES = values();

	private final String label = name().toLowerCase(Locale.ROOT);

	/**
	 * The band's name, as the header carries it and metrics label it.
	 * @return e.g. {@code interactive}
	 */
	public String label() {
		return this.label;
	}

	/**
	 * Reads the header's value.
	 * @param value the header, or null when absent
	 * @param fallback the band of a request without the header
	 * @return the band, or null when the value names none
	 */
	public static @Nullable Priority parse(@Nullable String value, Priority fallback) {
		if (value == null || value.isEmpty()) {
			return fallback;
		}
		for (Priority priority : VALUES) {
			if (priority.name().equalsIgnoreCase(value.trim())) {
				return priority;
			}
		}
		return null;
	}

}
