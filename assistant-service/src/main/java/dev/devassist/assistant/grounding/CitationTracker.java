package dev.devassist.assistant.grounding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.devassist.assistant.conversation.Citation;

/**
 * Follows an answer as it streams and finds its citation markers ({@code [1]},
 * {@code [2][3]}, {@code [1, 4]}), even when a marker is split across chunks. Each
 * passage is cited once, the first time its number appears; numbers with no passage are
 * ignored.
 */
public final class CitationTracker {

	private static final Pattern MARKER = Pattern.compile("\\[(\\d{1,3}(?:\\s*,\\s*\\d{1,3})*)]");

	/** A marker is never longer than this; a longer unclosed bracket is not a marker. */
	private static final int LONGEST_MARKER = 24;

	private final List<Passage> passages;

	private final Map<Integer, Citation> cited = new LinkedHashMap<>();

	private String carry = "";

	public CitationTracker(List<Passage> passages) {
		this.passages = List.copyOf(passages);
	}

	/**
	 * Reads the next piece of the answer.
	 * @param text the piece
	 * @return the passages it cites for the first time
	 */
	public List<Citation> read(String text) {
		String window = this.carry + text;
		List<Citation> found = new ArrayList<>();
		Matcher matcher = MARKER.matcher(window);
		int consumed = 0;
		while (matcher.find()) {
			for (String number : matcher.group(1).split(",")) {
				cite(Integer.parseInt(number.strip()), found);
			}
			consumed = matcher.end();
		}
		int open = window.lastIndexOf('[');
		boolean pending = open >= consumed && window.indexOf(']', open) < 0 && window.length() - open <= LONGEST_MARKER;
		this.carry = pending ? window.substring(open) : "";
		return found;
	}

	/**
	 * A tracker for a longer list of passages (the agent found more), keeping what was
	 * cited and any marker still open.
	 * @param all every passage, the earlier ones first and in the same order
	 * @return the tracker
	 */
	public CitationTracker with(List<Passage> all) {
		CitationTracker wider = new CitationTracker(all);
		wider.cited.putAll(this.cited);
		wider.carry = this.carry;
		return wider;
	}

	/**
	 * The passages cited so far, in the order they were first cited.
	 * @return them
	 */
	public List<Citation> cited() {
		return List.copyOf(this.cited.values());
	}

	private void cite(int number, List<Citation> found) {
		if (number < 1 || number > this.passages.size() || this.cited.containsKey(number)) {
			return;
		}
		Citation citation = citation(number, this.passages.get(number - 1));
		this.cited.put(number, citation);
		found.add(citation);
	}

	/**
	 * The citation of a numbered passage.
	 * @param number its number
	 * @param passage the passage
	 * @return the citation
	 */
	public static Citation citation(int number, Passage passage) {
		return new Citation(number, passage.sourceId(), passage.path(), passage.startLine(), passage.endLine(),
				passage.symbol(), passage.text(), passage.link());
	}

}
