package dev.devassist.assistant.grounding;

import java.util.List;

import dev.devassist.assistant.conversation.Citation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CitationTrackerTests {

	private static final List<Passage> PASSAGES = List.of(passage("a.java", 1, 10), passage("b.md", 5, 9),
			passage("c.py", 20, 30));

	@Test
	void whenAMarkerAppearsThenItsPassageIsCitedWithPathAndLines() {
		CitationTracker tracker = new CitationTracker(PASSAGES);

		List<Citation> cited = tracker.read("The parser reads lines [2].");

		assertThat(cited).singleElement().satisfies((citation) -> {
			assertThat(citation.index()).isEqualTo(2);
			assertThat(citation.path()).isEqualTo("b.md");
			assertThat(citation.startLine()).isEqualTo(5);
			assertThat(citation.endLine()).isEqualTo(9);
		});
	}

	@Test
	void whenAMarkerIsSplitAcrossChunksThenItIsFoundOnceComplete() {
		CitationTracker tracker = new CitationTracker(PASSAGES);

		List<Citation> first = tracker.read("See [");
		List<Citation> second = tracker.read("3");
		List<Citation> third = tracker.read("] for more.");

		assertThat(first).isEmpty();
		assertThat(second).isEmpty();
		assertThat(third).extracting(Citation::index).containsExactly(3);
	}

	@Test
	void whenMarkersAreGroupedThenEachPassageIsCitedOnceInOrder() {
		CitationTracker tracker = new CitationTracker(PASSAGES);

		List<Citation> cited = tracker.read("Both [1, 3] and again [1][2].");

		assertThat(cited).extracting(Citation::index).containsExactly(1, 3, 2);
		assertThat(tracker.cited()).extracting(Citation::index).containsExactly(1, 3, 2);
	}

	@Test
	void whenAMarkerNamesNoPassageThenItIsIgnored() {
		CitationTracker tracker = new CitationTracker(PASSAGES);

		assertThat(tracker.read("Wrong [0], [4] and [99], an array a[i] and a link [x](y).")).isEmpty();
	}

	@Test
	void whenABracketNeverClosesThenLaterMarkersAreStillFound() {
		CitationTracker tracker = new CitationTracker(PASSAGES);
		tracker.read("an open [ bracket that goes on for a long while without closing at all");

		assertThat(tracker.read(" then [1]")).extracting(Citation::index).containsExactly(1);
	}

	@Test
	void whenTheAgentFindsMorePassagesThenTheWiderTrackerKeepsWhatWasCited() {
		CitationTracker tracker = new CitationTracker(PASSAGES.subList(0, 1));
		tracker.read("first [1] and [2");

		CitationTracker wider = tracker.with(PASSAGES);

		assertThat(wider.read("]")).extracting(Citation::index).containsExactly(2);
		assertThat(wider.cited()).extracting(Citation::index).containsExactly(1, 2);
	}

	static Passage passage(String path, int start, int end) {
		return new Passage("src_1", path, start, end, null, "text", 1.0, "text of " + path, "/l/" + path);
	}

}
