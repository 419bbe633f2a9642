package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ParagraphChunkerTests {

	@Test
	void whenParagraphsAreSmallThenTheyArePackedUpToTheBudget() {
		String source = """
				One short paragraph.

				Another short one.

				A third.
				""";

		List<Chunk> chunks = new ParagraphChunker(256).chunk("notes.txt", source);

		assertThat(chunks).singleElement().satisfies((chunk) -> assertThat(chunk.text()).isEqualTo(source.strip()));
	}

	@Test
	void whenParagraphsDoNotFitTogetherThenEachChunkStartsAtAParagraph() {
		List<Chunk> chunks = new ParagraphChunker(64).chunk("notes.txt", Samples.PROSE_NOTES);

		assertThat(chunks).extracting(Chunk::startLine)
			.allSatisfy((line) -> assertThat(
					line == 1 || SourceText.lines(Samples.PROSE_NOTES, line - 1, line - 1).isBlank())
				.isTrue());
	}

	@Test
	void whenParagraphExceedsBudgetThenItIsSplitAfterLinesThatEndSentences() {
		String source = """
				The first sentence of a long paragraph runs over two lines
				and ends here. The second sentence is short.
				A third sentence follows it on the next line and keeps going
				for a while. The fourth one ends this line.
				The fifth sentence closes the paragraph.
				""";

		List<Chunk> chunks = new ParagraphChunker(30).chunk("notes.txt", source);

		assertThat(chunks).hasSizeGreaterThan(1).allSatisfy((chunk) -> assertThat(chunk.text()).endsWith("."));
	}

	@Test
	void whenLineExceedsBudgetThenItIsSplitBetweenSentences() {
		String line = "Chunking keeps related text together. ".repeat(30).strip();

		List<Chunk> chunks = new ParagraphChunker(40).chunk("notes.txt", line);

		assertThat(chunks).hasSizeGreaterThan(1).allSatisfy((chunk) -> {
			assertThat(chunk.text().strip()).endsWith(".");
			assertThat(chunk.startLine()).isEqualTo(1);
		});
		assertThat(chunks.stream().map(Chunk::text).reduce("", String::concat)).isEqualTo(line);
	}

	@Test
	void whenChunkedThenEveryChunkIsProseWithoutASymbol() {
		List<Chunk> chunks = new ParagraphChunker(64).chunk("notes.txt", Samples.PROSE_NOTES);

		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.kind()).isEqualTo(Chunk.Kind.PROSE);
			assertThat(chunk.symbol()).isNull();
		});
	}

}
