package dev.devassist.local;

import java.io.PrintStream;

/**
 * The compact log on the console: each line of a service, prefixed with its padded name
 * so that interleaved lines stay readable.
 */
final class ConsoleLog {

	/**
	 * The width of the name column; the launcher's own lines use the same width (see
	 * {@code logback.xml}).
	 */
	static final int NAME_WIDTH = 17;

	private final PrintStream out;

	ConsoleLog(PrintStream out) {
		this.out = out;
	}

	void line(String name, String line) {
		this.out.println(prefix(name) + line);
	}

	void print(String text) {
		this.out.print(text);
		this.out.flush();
	}

	static String prefix(String name) {
		return String.format("%-" + NAME_WIDTH + "s | ", name);
	}

}
