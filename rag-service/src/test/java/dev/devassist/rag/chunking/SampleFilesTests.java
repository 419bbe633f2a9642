package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What must hold of the chunks of every file, whatever the chunker and the budget.
 */
class SampleFilesTests {

	private static final int[] BUDGETS = { 256, 64, 20 };

	static Stream<Arguments> samples() {
		Map<String, String> samples = Map.ofEntries(Map.entry("OrderService.java", Samples.JAVA_SERVICE),
				Map.entry("RateLimiter.java", Samples.JAVA_LIMITER),
				Map.entry("inventory.py", Samples.PYTHON_INVENTORY), Map.entry("store.go", Samples.GO_STORE),
				Map.entry("cart.js", Samples.JAVASCRIPT_CART),
				Map.entry("repository.ts", Samples.TYPESCRIPT_REPOSITORY), Map.entry("UserCard.tsx", Samples.TSX_CARD),
				Map.entry("guide.md", Samples.MARKDOWN_GUIDE), Map.entry("notes.txt", Samples.PROSE_NOTES),
				Map.entry("build.yml", Samples.YAML_WORKFLOW),
				Map.entry("Legacy.kt", Samples.JAVA_SERVICE.replace("public class", "class")),
				Map.entry("windows.py", Samples.PYTHON_INVENTORY.replace("\n", "\r\n")));
		List<Arguments> arguments = new ArrayList<>();
		for (Map.Entry<String, String> sample : samples.entrySet()) {
			for (int budget : BUDGETS) {
				arguments.add(Arguments.of(sample.getKey(), budget, sample.getValue()));
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} in {1} tokens")
	@MethodSource("samples")
	void whenFileIsChunkedThenEveryLineWithContentIsInAChunk(String path, int budget, String text) {
		List<Chunk> chunks = new CodeAwareChunker(budget).chunk(path, text);

		List<String> lines = SourceText.lines(text);
		List<Integer> uncovered = new ArrayList<>();
		for (int line = 1; line <= lines.size(); line++) {
			int number = line;
			boolean covered = chunks.stream()
				.anyMatch((chunk) -> chunk.startLine() <= number && number <= chunk.endLine());
			if (!lines.get(line - 1).isBlank() && !covered) {
				uncovered.add(line);
			}
		}
		assertThat(uncovered).isEmpty();
	}

	@ParameterizedTest(name = "{0} in {1} tokens")
	@MethodSource("samples")
	void whenFileIsChunkedThenEachChunkHoldsExactlyItsLines(String path, int budget, String text) {
		List<Chunk> chunks = new CodeAwareChunker(budget).chunk(path, text);

		Map<Integer, StringBuilder> slices = new HashMap<>();
		for (Chunk chunk : chunks) {
			String lines = SourceText.lines(text, chunk.startLine(), chunk.endLine());
			if (chunk.startLine() == chunk.endLine() && !chunk.text().equals(lines)) {
				slices.computeIfAbsent(chunk.startLine(), (line) -> new StringBuilder()).append(chunk.text());
				continue;
			}
			assertThat(chunk.text()).isEqualTo(lines);
		}
		slices.forEach((line, joined) -> assertThat(withoutSpace(joined))
			.isEqualTo(withoutSpace(SourceText.lines(text, line, line))));
	}

	@ParameterizedTest(name = "{0} in {1} tokens")
	@MethodSource("samples")
	void whenFileIsChunkedThenEachChunkFitsTheBudget(String path, int budget, String text) {
		List<Chunk> chunks = new CodeAwareChunker(budget).chunk(path, text);

		assertThat(chunks)
			.allSatisfy((chunk) -> assertThat(TokenEstimate.of(chunk.text())).isLessThanOrEqualTo(budget));
	}

	@ParameterizedTest(name = "{0} in {1} tokens")
	@MethodSource("samples")
	void whenFileIsChunkedThenChunksOverlapOnlyAsWindowsOfOneSymbol(String path, int budget, String text) {
		List<Chunk> chunks = new CodeAwareChunker(budget).chunk(path, text);

		for (int index = 1; index < chunks.size(); index++) {
			Chunk previous = chunks.get(index - 1);
			Chunk next = chunks.get(index);
			assertThat(next.startLine()).isGreaterThanOrEqualTo(previous.startLine());
			if (next.startLine() <= previous.endLine()) {
				assertThat(next.symbol()).isEqualTo(previous.symbol());
				assertThat(previous.endLine() - next.startLine() + 1).isLessThanOrEqualTo(LineChunker.OVERLAP_LINES);
			}
		}
	}

	@ParameterizedTest(name = "{0} in {1} tokens")
	@MethodSource("samples")
	void whenFileIsChunkedThenChunksNeverStartOrEndWithABlankLine(String path, int budget, String text) {
		List<Chunk> chunks = new CodeAwareChunker(budget).chunk(path, text);

		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(SourceText.lines(text, chunk.startLine(), chunk.startLine())).isNotBlank();
			assertThat(SourceText.lines(text, chunk.endLine(), chunk.endLine())).isNotBlank();
		});
	}

	@ParameterizedTest(name = "{0} in {1} tokens")
	@MethodSource("samples")
	void whenFileIsChunkedThenChunksCarryTheFilesLanguage(String path, int budget, String text) {
		List<Chunk> chunks = new CodeAwareChunker(budget).chunk(path, text);

		assertThat(chunks).isNotEmpty()
			.allSatisfy((chunk) -> assertThat(chunk.language()).isEqualTo(Languages.of(path)));
	}

	private static String withoutSpace(CharSequence text) {
		return text.toString().replaceAll("\\s", "");
	}

}
