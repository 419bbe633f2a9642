package dev.devassist.assistant.inference;

/**
 * The inference proxy's priority bands, sent as {@code x-priority}.
 */
public enum Priority {

	/** A person waiting in the web UI. */
	INTERACTIVE("interactive"),

	/** An IDE plugin's call. */
	IDE("ide"),

	/** Background work: titles, say. */
	BATCH("batch");

	private final String header;

	Priority(String header) {
		this.header = header;
	}

	/**
	 * The band's name in {@code x-priority}.
	 * @return it
	 */
	public String header() {
		return this.header;
	}

}
