package dev.devassist.rag.chunking;

import org.jspecify.annotations.Nullable;

/**
 * The lines of a file, with what the chunkers ask of them many times: whether a line is
 * blank and how many tokens a run of lines holds.
 * <p>
 * Lines end at {@code \n}, {@code \r\n} or a lone {@code \r}; a separator at the very end
 * does not start another line, and a byte order mark at the start is not part of line 1.
 * Lines are indexed from 0 here and numbered from 1 in chunks.
 */
final class SourceLines {

	private final String text;

	private final int[] starts;

	private final int[] ends;

	// quartersBefore[i] is the estimate for all lines before line i, kept in quarters of
	// a token so that runs add up as their joined text would; any run then costs O(1).
	private final int[] quartersBefore;

	private final boolean[] blank;

	private final boolean newlinesOnly;

	private SourceLines(String text, int[] starts, int[] ends, boolean newlinesOnly) {
		this.text = text;
		this.starts = starts;
		this.ends = ends;
		this.newlinesOnly = newlinesOnly;
		this.quartersBefore = new int[starts.length + 1];
		this.blank = new boolean[starts.length];
		for (int line = 0; line < starts.length; line++) {
			this.blank[line] = isBlank(text, starts[line], ends[line]);
			this.quartersBefore[line + 1] = this.quartersBefore[line]
					+ TokenEstimate.quarters(text, starts[line], ends[line]);
		}
	}

	/**
	 * Splits a text into lines.
	 * @param text the file's content
	 * @return its lines
	 */
	static SourceLines of(String text) {
		int begin = text.startsWith("\uFEFF") ? 1 : 0;
		int count = countLines(text, begin);
		int[] starts = new int[count];
		int[] ends = new int[count];
		boolean newlinesOnly = true;
		int line = 0;
		int start = begin;
		int index = begin;
		while (index < text.length()) {
			char current = text.charAt(index);
			if (current != '\n' && current != '\r') {
				index++;
				continue;
			}
			starts[line] = start;
			ends[line] = index;
			line++;
			if (current == '\r') {
				newlinesOnly = false;
				if (index + 1 < text.length() && text.charAt(index + 1) == '\n') {
					index++;
				}
			}
			index++;
			start = index;
		}
		if (start < text.length()) {
			starts[line] = start;
			ends[line] = text.length();
		}
		return new SourceLines(text, starts, ends, newlinesOnly);
	}

	private static int countLines(String text, int begin) {
		int count = 0;
		int start = begin;
		for (int index = begin; index < text.length(); index++) {
			char current = text.charAt(index);
			if (current == '\r' && index + 1 < text.length() && text.charAt(index + 1) == '\n') {
				continue;
			}
			if (current == '\n' || current == '\r') {
				count++;
				start = index + 1;
			}
		}
		return (start < text.length()) ? count + 1 : count;
	}

	private static boolean isBlank(String text, int start, int end) {
		for (int index = start; index < end; index++) {
			if (!Character.isWhitespace(text.charAt(index))) {
				return false;
			}
		}
		return true;
	}

	int count() {
		return this.starts.length;
	}

	String text() {
		return this.text;
	}

	int start(int line) {
		return this.starts[line];
	}

	int end(int line) {
		return this.ends[line];
	}

	String line(int line) {
		return this.text.substring(this.starts[line], this.ends[line]);
	}

	int length(int line) {
		return this.ends[line] - this.starts[line];
	}

	boolean isBlank(int line) {
		return this.blank[line];
	}

	int tokens(int line) {
		return tokens(line, line);
	}

	/**
	 * Returns the estimate for a run of lines.
	 * @param from the first line
	 * @param to the last line, inclusive
	 * @return the estimated tokens of those lines joined
	 */
	int tokens(int from, int to) {
		return TokenEstimate.tokens(this.quartersBefore[to + 1] - this.quartersBefore[from]);
	}

	/**
	 * Returns the first line in a run that is not blank.
	 * @param from the first line of the run
	 * @param to the last line of the run, inclusive
	 * @return that line, or -1 when every line of the run is blank
	 */
	int firstContent(int from, int to) {
		for (int line = Math.max(from, 0); line <= to && line < count(); line++) {
			if (!this.blank[line]) {
				return line;
			}
		}
		return -1;
	}

	/**
	 * Returns the last line in a run that is not blank.
	 * @param from the first line of the run
	 * @param to the last line of the run, inclusive
	 * @return that line, or -1 when every line of the run is blank
	 */
	int lastContent(int from, int to) {
		for (int line = Math.min(to, count() - 1); line >= from && line >= 0; line--) {
			if (!this.blank[line]) {
				return line;
			}
		}
		return -1;
	}

	/**
	 * Returns the first blank line in a run.
	 * @param from the first line of the run
	 * @param to the last line of the run, inclusive
	 * @return that line, or -1 when no line of the run is blank
	 */
	int firstBlank(int from, int to) {
		for (int line = Math.max(from, 0); line <= to && line < count(); line++) {
			if (this.blank[line]) {
				return line;
			}
		}
		return -1;
	}

	boolean hasContent() {
		return firstContent(0, count() - 1) != -1;
	}

	int longestLine() {
		int longest = 0;
		for (int line = 0; line < count(); line++) {
			longest = Math.max(longest, length(line));
		}
		return longest;
	}

	/**
	 * Joins a run of lines with {@code \n}.
	 * @param from the first line
	 * @param to the last line, inclusive
	 * @return the lines' text
	 */
	String join(int from, int to) {
		if (this.newlinesOnly) {
			return this.text.substring(this.starts[from], this.ends[to]);
		}
		StringBuilder joined = new StringBuilder(this.ends[to] - this.starts[from]);
		for (int line = from; line <= to; line++) {
			if (line > from) {
				joined.append('\n');
			}
			joined.append(this.text, this.starts[line], this.ends[line]);
		}
		return joined.toString();
	}

	/**
	 * Returns the whole text with {@code \n} between lines, as a parser that counts rows
	 * by {@code \n} alone needs it.
	 * @return the text
	 */
	String normalized() {
		if (count() == 0) {
			return "";
		}
		if (this.newlinesOnly && this.starts[0] == 0) {
			return this.text;
		}
		return join(0, count() - 1);
	}

	/**
	 * Makes a chunk of a run of lines, leaving out blank lines at either end.
	 * @param from the first line
	 * @param to the last line, inclusive
	 * @param symbol the chunk's symbol
	 * @param language the chunk's language
	 * @param kind the chunk's kind
	 * @return the chunk, or {@code null} when every line of the run is blank
	 */
	@Nullable Chunk chunk(int from, int to, @Nullable String symbol, String language, Chunk.Kind kind) {
		int first = firstContent(from, to);
		if (first == -1) {
			return null;
		}
		int last = lastContent(first, to);
		return new Chunk(join(first, last), first + 1, last + 1, symbol, language, kind);
	}

}
