package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownChunkerTests {

	@Test
	void whenHeadingsNestThenEachSectionIsNamedByItsHeadingPath() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		assertThat(SourceText.symbols(chunks)).containsExactly("null", "Install", "Install > Linux",
				"Install > Linux > Checking the service", "Install > macOS", "Install > Configuration", "FAQ");
	}

	@Test
	void whenSectionFitsThenItRunsFromItsHeadingToTheNextHeading() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		Chunk linux = SourceText.chunkNamed(chunks, "Install > Linux");
		assertThat(linux.startLine()).isEqualTo(SourceText.lineOf(Samples.MARKDOWN_GUIDE, "## Linux"));
		assertThat(linux.endLine()).isEqualTo(SourceText.lineOf(Samples.MARKDOWN_GUIDE, "sudo dnf install") + 1);
		assertThat(linux.text())
			.isEqualTo(SourceText.lines(Samples.MARKDOWN_GUIDE, linux.startLine(), linux.endLine()));
	}

	@Test
	void whenSetextHeadingIsUsedThenItsTitleLineStartsTheSection() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		Chunk install = SourceText.chunkNamed(chunks, "Install");
		assertThat(install.startLine()).isEqualTo(SourceText.lineOf(Samples.MARKDOWN_GUIDE, "Install"));
		assertThat(install.text()).startsWith("Install\n=======");
	}

	@Test
	void whenFenceHoldsLinesStartingWithHashThenTheyAreNotHeadings() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		assertThat(SourceText.symbols(chunks)).noneMatch((symbol) -> symbol.contains("Debian"));
	}

	@Test
	void whenFrontMatterOpensTheDocumentThenItsDashesAreNotAHeading() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		Chunk preamble = chunks.getFirst();
		assertThat(preamble.symbol()).isNull();
		assertThat(preamble.startLine()).isEqualTo(1);
		assertThat(preamble.endLine()).isEqualTo(SourceText.lineOf(Samples.MARKDOWN_GUIDE, "Read this before"));
	}

	@Test
	void whenHeadingHasClosingHashesThenTheyAreLeftOutOfTheTitle() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		assertThat(SourceText.symbols(chunks)).contains("Install > macOS");
	}

	@Test
	void whenHeadingHasOnlyADeeperHeadingBelowThenItJoinsThatSection() {
		String source = """
				# Reference

				## Options

				`--port` sets the port.
				""";

		List<Chunk> chunks = new MarkdownChunker(256).chunk("reference.md", source);

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.symbol()).isEqualTo("Reference > Options");
			assertThat(chunk.startLine()).isEqualTo(1);
		});
	}

	@Test
	void whenSectionExceedsBudgetThenItIsSplitBetweenParagraphsUnderTheSameHeadingPath() {
		String source = """
				# Design

				## Storage

				The index lives in Lucene segments on local disk, one directory per repository, and the
				segments are merged in the background when they grow past a size limit.

				Vectors live in Qdrant, one collection per embedding model, so that a model change only
				needs a new collection and a backfill rather than a migration of the old one.

				Metadata lives in Postgres: sources, ingestion jobs and the mapping from chunk ids to
				files and lines, which the citations need.
				""";

		List<Chunk> chunks = new MarkdownChunker(64).chunk("design.md", source);

		assertThat(chunks).hasSizeGreaterThan(1)
			.allSatisfy((chunk) -> assertThat(chunk.symbol()).isEqualTo("Design > Storage"));
		assertThat(chunks).extracting(Chunk::startLine)
			.containsExactly(1, SourceText.lineOf(source, "Vectors live"), SourceText.lineOf(source, "Metadata lives"));
	}

	@Test
	void whenFenceFitsButItsSectionDoesNotThenTheFenceStaysWhole() {
		String source = """
				## Example

				Start the server and call it:

				```bash
				devassist serve --port 8080 --data /var/lib/devassist

				curl -s http://localhost:8080/api/search?q=chunking | jq '.results[0]'
				```

				The answer lists the best chunks first, each with its file, lines and symbol.
				""";

		List<Chunk> chunks = new MarkdownChunker(64).chunk("example.md", source);

		int fenceStart = SourceText.lineOf(source, "```bash");
		Chunk fence = SourceText.chunkHolding(chunks, fenceStart);
		assertThat(fence.endLine()).isGreaterThanOrEqualTo(SourceText.lastLineOf(source, "```"));
	}

	@Test
	void whenFenceExceedsBudgetThenItIsCutIntoWindows() {
		StringBuilder source = new StringBuilder("# Config\n\n```properties\n");
		for (int key = 0; key < 40; key++) {
			source.append("server.option").append(key).append(" = value").append(key).append('\n');
		}
		source.append("```\n");

		List<Chunk> chunks = new MarkdownChunker(48).chunk("config.md", source.toString());

		assertThat(chunks).hasSizeGreaterThan(3)
			.allSatisfy((chunk) -> assertThat(TokenEstimate.of(chunk.text())).isLessThanOrEqualTo(48));
	}

	@Test
	void whenHeadingWouldStandAloneThenItGoesWithTheBlockBelowIt() {
		String source = """
				# Notes

				First paragraph with enough words in it to fill most of a small budget on its own.

				Second paragraph, also with enough words in it to need a chunk of its own here.
				""";

		List<Chunk> chunks = new MarkdownChunker(32).chunk("notes.md", source);

		assertThat(chunks.getFirst().startLine()).isEqualTo(1);
		assertThat(chunks.getFirst().endLine()).isGreaterThan(1);
	}

	@Test
	void whenChunkedThenEveryChunkIsMarkdown() {
		List<Chunk> chunks = new MarkdownChunker(256).chunk("guide.md", Samples.MARKDOWN_GUIDE);

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.MARKDOWN);
	}

}
