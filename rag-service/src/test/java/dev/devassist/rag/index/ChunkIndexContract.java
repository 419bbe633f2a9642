package dev.devassist.rag.index;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What every {@link ChunkIndex} must do, run against each implementation: Lucene always,
 * Qdrant where Docker can start it.
 */
abstract class ChunkIndexContract {

	static final EmbeddingSpace SPACE = new EmbeddingSpace("test-embedding", 4);

	private ChunkIndex index;

	/**
	 * Opens an empty index of {@link #SPACE}.
	 * @return the index
	 */
	abstract ChunkIndex openIndex();

	@BeforeEach
	void open() {
		this.index = openIndex();
	}

	@AfterEach
	void close() {
		this.index.close();
	}

	@Test
	void whenFileIsPutThenItsChunksAreFoundByVectorWithTheirLines() {
		this.index.put(List.of(file("acme", "repo", "src/Parser.java", chunk(3, 9, "parseJson", "java", 1, 0, 0, 0),
				chunk(11, 20, "writeXml", "java", 0, 1, 0, 0))));

		List<IndexHit> hits = this.index.dense(IndexFilter.tenant("acme"), vector(0.9f, 0.1f, 0, 0), 10);

		assertThat(hits).extracting(IndexHit::symbol).containsExactly("parseJson", "writeXml");
		assertThat(hits.get(0)).extracting(IndexHit::path, IndexHit::startLine, IndexHit::endLine, IndexHit::commit)
			.containsExactly("src/Parser.java", 3, 9, "c1");
	}

	@Test
	void whenQueryNamesAnIdentifierPartThenLexicalSearchFindsTheCamelCaseIdentifier() {
		this.index.put(List.of(
				file("acme", "repo", "src/A.java",
						chunk(1, 5, "readConfigFile", "java", 1, 0, 0, 0, "void readConfigFile() { open(); }")),
				file("acme", "repo", "src/B.java",
						chunk(1, 5, "sendMail", "java", 0, 1, 0, 0, "void sendMail() { smtp(); }"))));

		List<IndexHit> hits = this.index.lexical(IndexFilter.tenant("acme"), "how to read a config file", 10);

		assertThat(hits).extracting(IndexHit::path).containsExactly("src/A.java");
	}

	@Test
	void whenAnotherTenantSearchesThenItSeesNothingOfTheFirst() {
		this.index.put(List.of(file("acme", "repo", "a.py", chunk(1, 2, "secret", "python", 1, 0, 0, 0))));

		List<IndexHit> dense = this.index.dense(IndexFilter.tenant("globex"), vector(1, 0, 0, 0), 10);
		List<IndexHit> lexical = this.index.lexical(IndexFilter.tenant("globex"), "secret", 10);

		assertThat(dense).isEmpty();
		assertThat(lexical).isEmpty();
		assertThat(this.index.count("globex")).isZero();
		assertThat(this.index.count("acme")).isOne();
	}

	@Test
	void whenFileIsPutTwiceThenItsChunksAreNotDuplicated() {
		IndexedFile file = file("acme", "repo", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0),
				chunk(4, 6, "g", "python", 0, 1, 0, 0));

		this.index.put(List.of(file));
		this.index.put(List.of(file));

		assertThat(this.index.count("acme")).isEqualTo(2);
	}

	@Test
	void whenFileChangesThenItsOldChunksAreReplaced() {
		this.index.put(List.of(file("acme", "repo", "a.py", chunk(1, 2, "old", "python", 1, 0, 0, 0),
				chunk(3, 4, "older", "python", 1, 0, 0, 0))));

		this.index.put(List.of(file("acme", "repo", "a.py", chunk(1, 9, "fresh", "python", 1, 0, 0, 0))));

		assertThat(this.index.fileChunks("acme", "repo", "a.py")).extracting(IndexHit::symbol).containsExactly("fresh");
	}

	@Test
	void whenFileIsDeletedThenOnlyItsChunksGo() {
		this.index.put(List.of(file("acme", "repo", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0)),
				file("acme", "repo", "b.py", chunk(1, 2, "g", "python", 1, 0, 0, 0))));

		this.index.deleteFile("acme", "repo", "a.py");

		assertThat(this.index.dense(IndexFilter.tenant("acme"), vector(1, 0, 0, 0), 10)).extracting(IndexHit::path)
			.containsExactly("b.py");
	}

	@Test
	void whenSourceIsDeletedThenOtherSourcesAndTenantsKeepTheirs() {
		this.index.put(List.of(file("acme", "one", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0)),
				file("acme", "two", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0)),
				file("globex", "one", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0))));

		this.index.deleteSource("acme", "one");

		assertThat(this.index.count("acme")).isOne();
		assertThat(this.index.count("globex")).isOne();
	}

	@Test
	void whenFilteredBySourceLanguageAndPathThenOnlyMatchingChunksAreReturned() {
		this.index.put(List.of(file("acme", "one", "src/main/App.java", chunk(1, 2, "a", "java", 1, 0, 0, 0)),
				file("acme", "one", "docs/guide.md", chunk(1, 2, "b", "markdown", 1, 0, 0, 0)),
				file("acme", "two", "src/main/Other.java", chunk(1, 2, "c", "java", 1, 0, 0, 0))));
		IndexFilter filter = new IndexFilter("acme", Set.of("one"), PathGlob.of("src/**/*.java"), Set.of("java"));

		List<IndexHit> hits = this.index.dense(filter, vector(1, 0, 0, 0), 10);

		assertThat(hits).extracting(IndexHit::path).containsExactly("src/main/App.java");
	}

	@Test
	void whenVectorHasAnotherDimensionThenPutIsRefusedWithTheReason() {
		IndexedFile file = new IndexedFile("acme", "one", "a.py", "c1", "h1",
				List.of(new IndexedChunk(1, 2, null, "python", "x", new float[] { 1, 0 })));

		assertThatExceptionOfType(IndexMismatchException.class).isThrownBy(() -> this.index.put(List.of(file)))
			.withMessageContaining("dimension 2");
	}

	@Test
	void whenFileChunksAreReadThenTheyComeInLineOrder() {
		this.index.put(List.of(file("acme", "one", "a.py", chunk(20, 30, "late", "python", 1, 0, 0, 0),
				chunk(1, 10, "early", "python", 0, 1, 0, 0))));

		List<IndexHit> chunks = this.index.fileChunks("acme", "one", "a.py");

		assertThat(chunks).extracting(IndexHit::startLine).containsExactly(1, 20);
	}

	static IndexedFile file(String tenant, String source, String path, IndexedChunk... chunks) {
		return new IndexedFile(tenant, source, path, "c1", "hash-" + path, List.of(chunks));
	}

	static IndexedChunk chunk(int start, int end, String symbol, String language, float a, float b, float c, float d) {
		return chunk(start, end, symbol, language, a, b, c, d, "def " + symbol + "(): pass");
	}

	static IndexedChunk chunk(int start, int end, String symbol, String language, float a, float b, float c, float d,
			String text) {
		return new IndexedChunk(start, end, symbol, language, text, vector(a, b, c, d));
	}

	static float[] vector(float... values) {
		return values;
	}

}
