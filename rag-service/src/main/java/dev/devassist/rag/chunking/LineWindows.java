package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import org.jspecify.annotations.Nullable;

/**
 * Covers a run of lines with windows that each fit a token budget.
 * <p>
 * Windows aim at an equal share of the run, so that the last one is not a scrap. A window
 * ends, by preference, before a blank line, else after a line that closes a statement or
 * a sentence, found near its share and within the budget; failing both, it ends at its
 * share. Where a window had to end mid-flow, the next one repeats its last few lines so
 * that neither loses the context across the cut. A single line over the budget is cut
 * into slices of itself.
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
			int share = share(lines.tokens(start, last));
			int aim = reach(lines, start, start, last, share);
			int end = reach(lines, start, aim, last, this.budget);
			int cut = cut(lines, start, aim, end, reached, share / 2);
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

	// Aims at equal windows, with some room to reach a good cut, rather than at full
	// windows and a scrap at the end.
	private int share(int remaining) {
		int count = Math.ceilDiv(remaining, this.budget);
		return Math.min(this.budget, Math.ceilDiv(remaining, count) + this.budget / 4);
	}

	// Finds the last line a window from start can reach within the tokens, looking on
	// from a line known to be within them.
	private static int reach(SourceLines lines, int start, int from, int last, int tokens) {
		int end = from;
		while (end < last && lines.tokens(start, end + 1) <= tokens) {
			end++;
		}
		return end;
	}

	// Prefers a line before a blank line to one that closes something; looks for each
	// first back from the window's share, as long as half of the share stays, then on
	// towards the budget; and failing both, ends the window at its share.
	private static int cut(SourceLines lines, int start, int aim, int end, int reached, int least) {
		IntPredicate beforeBlank = (line) -> !lines.isBlank(line) && lines.isBlank(line + 1);
		IntPredicate closing = (line) -> closes(lines, line);
		for (IntPredicate preferred : List.of(beforeBlank, closing)) {
			for (int line = aim; line >= reached && lines.tokens(start, line) >= least; line--) {
				if (preferred.test(line)) {
					return line;
				}
			}
			for (int line = Math.max(aim + 1, reached); line <= end; line++) {
				if (preferred.test(line)) {
					return line;
				}
			}
		}
		return Math.max(aim, reached);
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
		// Repeated lines may take a quarter of the next window, which still brings
		// mostly new lines then.
		int next = Math.max(start + 1, cut + 1 - this.overlap);
		while (next <= cut
				&& (lines.tokens(next, cut) > this.budget / 4 || lines.tokens(next, cut + 1) > this.budget)) {
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

	// Cuts after a sentence, else after a space, else after punctuation, all in the
	// second half of the slice, so that words and tokens are rarely torn apart.
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
