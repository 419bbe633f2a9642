package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Covers a run of lines with windows that each fit a token budget.
 * <p>
 * A window grows line by line as far as the budget allows and then ends, by preference,
 * before a blank line, else after a line that closes a statement or a sentence, as long
 * as that keeps at least half of the window. Where a window had to end mid-flow, the next
 * one repeats its last few lines so that neither loses the context across the cut. A
 * single line over the budget is cut into slices of itself.
 */
final class LineWindows {

	private static final String CLOSERS = "};.!?)";

	private final int budget;

	private final int overlap;

	/**
	 * Creates windows for a budget.
	 * @param budget the most tokens of a window
	 * @param overlap how many lines a window repeats after a cut that is not at a blank
	 * line
	 */
	LineWindows(int budget, int overlap) {
		this.budget = budget;
		this.overlap = overlap;
	}

	/**
	 * Covers a run of lines with windows.
	 * @param lines the file's lines
	 * @param from the first line of the run
	 * @param to the last line of the run, inclusive
	 * @param symbol the symbol every window carries
	 * @param language the language every window carries
	 * @param kind the kind every window carries
	 * @return the windows, in order
	 */
	List<Chunk> cover(SourceLines lines, int from, int to, @Nullable String symbol, String language, Chunk.Kind kind) {
		List<Chunk> windows = new ArrayList<>();
		cover(lines, from, to, symbol, language, kind, windows);
		return windows;
	}

	/**
	 * Covers a run of lines with windows, adding them to a list.
	 * @param lines the file's lines
	 * @param from the first line of the run
	 * @param to the last line of the run, inclusive
	 * @param symbol the symbol every window carries
	 * @param language the language every window carries
	 * @param kind the kind every window carries
	 * @param windows where the windows go, in order
	 */
	void cover(SourceLines lines, int from, int to, @Nullable String symbol, String language, Chunk.Kind kind,
			List<Chunk> windows) {
		int last = lines.lastContent(from, to);
		int start = lines.firstContent(from, last);
		int reached = start;
		while (start != -1) {
			if (lines.tokens(start, last) <= this.budget) {
				add(windows, lines.chunk(start, last, symbol, language, kind));
				return;
			}
			if (lines.tokens(start) > this.budget) {
				slice(lines, start, symbol, language, kind, windows);
				reached = start + 1;
				start = lines.firstContent(start + 1, last);
				continue;
			}
			int end = widest(lines, start, last);
			int cut = cut(lines, start, end, reached);
			add(windows, lines.chunk(start, cut, symbol, language, kind));
			reached = cut + 1;
			start = lines.firstContent(resume(lines, start, cut), last);
		}
	}

	private static void add(List<Chunk> windows, @Nullable Chunk window) {
		if (window != null) {
			windows.add(window);
		}
	}

	private int widest(SourceLines lines, int start, int last) {
		int end = start;
		while (end < last && lines.tokens(start, end + 1) <= this.budget) {
			end++;
		}
		return end;
	}

	private int cut(SourceLines lines, int start, int end, int reached) {
		int lowest = Math.max(reached, start + (end - start) / 2);
		for (int line = end; line >= lowest; line--) {
			if (!lines.isBlank(line) && lines.isBlank(line + 1)) {
				return line;
			}
		}
		for (int line = end; line >= lowest; line--) {
			if (closes(lines, line)) {
				return line;
			}
		}
		return end;
	}

	private static boolean closes(SourceLines lines, int line) {
		String text = lines.text();
		for (int index = lines.end(line) - 1; index >= lines.start(line); index--) {
			char current = text.charAt(index);
			if (!Character.isWhitespace(current)) {
				return CLOSERS.indexOf(current) >= 0;
			}
		}
		return false;
	}

	private int resume(SourceLines lines, int start, int cut) {
		if (this.overlap == 0 || lines.isBlank(cut + 1)) {
			return cut + 1;
		}
		int next = Math.max(start + 1, cut + 1 - this.overlap);
		while (next <= cut && lines.tokens(next, cut + 1) > this.budget) {
			next++;
		}
		return next;
	}

	private void slice(SourceLines lines, int line, @Nullable String symbol, String language, Chunk.Kind kind,
			List<Chunk> windows) {
		String text = lines.text();
		int end = lines.end(line);
		int position = lines.start(line);
		while (position < end) {
			int stop = TokenEstimate.fit(text, position, end, this.budget);
			int cut = (stop < end) ? softCut(text, position, stop) : end;
			String slice = text.substring(position, cut);
			if (!slice.isBlank()) {
				windows.add(new Chunk(slice, line + 1, line + 1, symbol, language, kind));
			}
			position = cut;
		}
	}

	// Cuts after a sentence, else after a space, else after punctuation, in the second
	// half
	// of the slice, so that a word or a token is rarely torn apart.
	private static int softCut(String text, int from, int stop) {
		int lowest = from + (stop - from) / 2 + 1;
		for (int index = stop - 1; index > lowest; index--) {
			if (Character.isWhitespace(text.charAt(index)) && ".!?".indexOf(text.charAt(index - 1)) >= 0) {
				return index + 1;
			}
		}
		for (int index = stop - 1; index >= lowest; index--) {
			if (Character.isWhitespace(text.charAt(index))) {
				return index + 1;
			}
		}
		for (int index = stop - 1; index >= lowest; index--) {
			char current = text.charAt(index);
			if (!Character.isLetterOrDigit(current) && !Character.isHighSurrogate(current)) {
				return index + 1;
			}
		}
		return stop;
	}

}
