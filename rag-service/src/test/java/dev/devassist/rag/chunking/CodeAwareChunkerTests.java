package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CodeAwareChunkerTests {

	private final CodeAwareChunker chunker = new CodeAwareChunker();

	@Test
	void whenTextIsEmptyThenThereAreNoChunks() {
		List<Chunk> chunks = this.chunker.chunk("Empty.java", "");

		assertThat(chunks).isEmpty();
	}

	@Test
	void whenTextIsOnlyWhitespaceThenThereAreNoChunks() {
		List<Chunk> chunks = this.chunker.chunk("blank.md", " \n\t\n\r\n   \n");

		assertThat(chunks).isEmpty();
	}

	@Test
	void whenPathIsCodeWithAGrammarThenChunksFollowDeclarations() {
		List<Chunk> chunks = this.chunker.chunk("OrderService.java", Samples.JAVA_SERVICE);

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.CODE);
		assertThat(SourceText.symbols(chunks)).anyMatch((symbol) -> symbol.startsWith("OrderService."));
	}

	@Test
	void whenPathIsMarkdownThenChunksAreSections() {
		List<Chunk> chunks = this.chunker.chunk("docs/guide.md", Samples.MARKDOWN_GUIDE);

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.MARKDOWN);
	}

	@Test
	void whenPathIsProseThenChunksAreParagraphs() {
		List<Chunk> chunks = this.chunker.chunk("NOTES", Samples.PROSE_NOTES);

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.PROSE);
	}

	@Test
	void whenPathIsCodeWithoutAGrammarThenChunksAreCodeLineWindows() {
		List<Chunk> chunks = this.chunker.chunk("Main.kt", "fun main() {\n    println(\"hi\")\n}\n");

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.kind()).isEqualTo(Chunk.Kind.CODE);
			assertThat(chunk.symbol()).isNull();
			assertThat(chunk.language()).isEqualTo("kotlin");
		});
	}

	@Test
	void whenPathIsDataThenChunksAreTextLineWindows() {
		List<Chunk> chunks = this.chunker.chunk(".github/workflows/build.yml", Samples.YAML_WORKFLOW);

		assertThat(chunks).extracting(Chunk::kind).containsOnly(Chunk.Kind.TEXT);
	}

	@Test
	void whenLinesEndWithCrLfThenChunksMatchThoseOfTheLfText() {
		String crlf = Samples.JAVA_SERVICE.replace("\n", "\r\n");

		List<Chunk> chunks = new CodeAwareChunker(64).chunk("OrderService.java", crlf);

		assertThat(chunks).isEqualTo(new CodeAwareChunker(64).chunk("OrderService.java", Samples.JAVA_SERVICE));
	}

	@Test
	void whenLinesEndWithLoneCarriageReturnsThenEachStillEndsALine() {
		String source = "def first():\r    return 1\r\rdef second():\r    return 2\r";

		List<Chunk> chunks = new CodeAwareChunker(8).chunk("old.py", source);

		assertThat(chunks).extracting(Chunk::startLine).containsExactly(1, 4);
		assertThat(chunks).extracting(Chunk::text)
			.containsExactly("def first():\n    return 1", "def second():\n    return 2");
	}

	@Test
	void whenSourceHoldsNonAsciiTextThenSymbolsAndLinesAreExact() {
		String source = """
				// Grüße aus Köln 😀, 你好
				class Grüßer {

					/** Sagt „Hallo" – mit Emoji 🎉. */
					String grüßen(String straße) {
						return "Hallo " + straße + " 👋";
					}

					String 你好() {
						return "你好, 世界";
					}

				}
				""";

		List<Chunk> chunks = new CodeAwareChunker(16).chunk("Grüßer.java", source);

		Chunk greet = SourceText.chunkNamed(chunks, "Grüßer.grüßen");
		assertThat(greet.startLine()).isEqualTo(SourceText.lineOf(source, "/** Sagt"));
		assertThat(greet.text()).isEqualTo(SourceText.lines(source, greet.startLine(), greet.endLine()));
		assertThat(SourceText.symbols(chunks)).contains("Grüßer.你好");
	}

	@Test
	void whenIndentedWithTabsThenChunksKeepTheTabs() {
		String source = "package main\n\nfunc main() {\n\tif true {\n\t\tprintln(\"tab\")\n\t}\n}\n";

		List<Chunk> chunks = this.chunker.chunk("main.go", source);

		assertThat(chunks).singleElement()
			.satisfies((chunk) -> assertThat(chunk.text()).contains("\n\t\tprintln(\"tab\")\n"));
	}

	@Test
	void whenFileStartsWithAByteOrderMarkThenTheFirstLineDoesNotHoldIt() {
		String source = "\uFEFFpackage demo;\n\nclass Demo {\n}\n";

		List<Chunk> chunks = this.chunker.chunk("Demo.java", source);

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.text()).startsWith("package demo;");
			assertThat(chunk.symbol()).isEqualTo("Demo");
		});
	}

	@Test
	void whenFileIsAMegabyteOnOneLineThenItIsSlicedIntoChunksOfThatLine() {
		String minified = "var a=function(b,c){return b+c*2;};window.x=a(1,2);".repeat(20_000);

		List<Chunk> chunks = this.chunker.chunk("bundle.min.js", minified);

		assertThat(minified).hasSizeGreaterThan(1_000_000);
		assertThat(chunks).hasSizeGreaterThan(1000).allSatisfy((chunk) -> assertThat(chunk.startLine()).isEqualTo(1));
		assertThat(chunks.stream()
			.map(Chunk::text)
			.reduce(new StringBuilder(), StringBuilder::append, StringBuilder::append)
			.toString()).isEqualTo(minified);
	}

	@Test
	void whenFileIsAMegabyteOnOneLineThenEverySliceFitsTheBudget() {
		String minified = "var a=function(b,c){return b+c*2;};window.x=a(1,2);".repeat(20_000);

		List<Chunk> chunks = this.chunker.chunk("bundle.min.js", minified);

		assertThat(chunks).allSatisfy((chunk) -> assertThat(TokenEstimate.of(chunk.text()))
			.isLessThanOrEqualTo(CodeAwareChunker.DEFAULT_MAX_TOKENS));
	}

	@Test
	void whenSyntaxIsBrokenBadlyThenTheFileIsCutIntoLineWindows() {
		String source = """
				)))) ]]] }}} = = =
				this is just prose, not Java at all;
				%%%% @@@ ### !!! <<< >>>
				import ;; package ;; class
				""";

		List<Chunk> chunks = this.chunker.chunk("Broken.java", source);

		assertThat(chunks).isEqualTo(new LineChunker(CodeAwareChunker.DEFAULT_MAX_TOKENS).chunk("Broken.java", source));
	}

	@Test
	void whenSyntaxIsBrokenInsideAMethodThenTheOutlineIsStillUsed() {
		String source = """
				class Almost {

					void fine() {
						System.out.println("fine");
					}

					void broken() {
						int x = ;
					}

				}
				""";

		List<Chunk> chunks = this.chunker.chunk("Almost.java", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("Almost");
	}

	@Test
	void whenBudgetIsBelowEightTokensThenTheChunkerIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CodeAwareChunker(7))
			.withMessage("Max tokens must be 8 or more, not 7");
	}

}
