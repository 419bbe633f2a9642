package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LineChunkerTests {

	@Test
	void whenTextFitsTheBudgetThenItIsOneWindow() {
		List<Chunk> chunks = new LineChunker(256).chunk("build.yml", Samples.YAML_WORKFLOW);

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.startLine()).isEqualTo(1);
			assertThat(chunk.endLine()).isEqualTo(SourceText.lineOf(Samples.YAML_WORKFLOW, "./mvnw -B verify"));
		});
	}

	@Test
	void whenTextExceedsTheBudgetThenWindowsOverlapByAtMostTwoLines() {
		String source = numberedLines(60, "value = compute(input, %d) + offset");

		List<Chunk> chunks = new LineChunker(48).chunk("script.kts", source);

		assertThat(chunks).hasSizeGreaterThan(2);
		for (int index = 1; index < chunks.size(); index++) {
			int overlap = chunks.get(index - 1).endLine() - chunks.get(index).startLine() + 1;
			assertThat(overlap).isBetween(0, LineChunker.OVERLAP_LINES);
		}
	}

	@Test
	void whenBlankLineIsNearTheLimitThenTheWindowEndsBeforeIt() {
		String source = numberedLines(8, "first block line %d holds some words") + "\n"
				+ numberedLines(8, "second block line %d holds some words");

		List<Chunk> chunks = new LineChunker(80).chunk("notes.cfg", source);

		assertThat(chunks.getFirst().endLine()).isEqualTo(8);
		assertThat(chunks.get(1).startLine()).isEqualTo(10);
	}

	@Test
	void whenLineExceedsTheBudgetThenItIsSlicedUnderItsLineNumber() {
		String source = "short line\n" + "word ".repeat(200) + "\nlast line\n";

		List<Chunk> chunks = new LineChunker(32).chunk("data.csv", source);

		List<Chunk> slices = chunks.stream().filter((chunk) -> chunk.startLine() == 2).toList();
		assertThat(slices).hasSizeGreaterThan(1).allSatisfy((slice) -> assertThat(slice.endLine()).isEqualTo(2));
		assertThat(slices.stream().map(Chunk::text).reduce("", String::concat)).isEqualTo("word ".repeat(200));
	}

	@Test
	void whenLanguageIsDataThenChunksAreText() {
		List<Chunk> chunks = new LineChunker(256).chunk("build.yml", Samples.YAML_WORKFLOW);

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.TEXT);
	}

	@Test
	void whenLanguageIsCodeThenChunksAreCode() {
		List<Chunk> chunks = new LineChunker(256).chunk("Main.kt", "fun main() {\n    println(\"hi\")\n}\n");

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.CODE);
	}

	private static String numberedLines(int count, String format) {
		StringBuilder lines = new StringBuilder();
		for (int line = 1; line <= count; line++) {
			lines.append(format.formatted(line)).append('\n');
		}
		return lines.toString();
	}

}
