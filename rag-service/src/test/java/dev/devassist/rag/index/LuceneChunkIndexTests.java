package dev.devassist.rag.index;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LuceneChunkIndexTests extends ChunkIndexContract {

	@TempDir
	Path directory;

	@Override
	ChunkIndex openIndex() {
		return LuceneChunkIndex.open(this.directory.resolve("contract"), SPACE);
	}

	@Test
	void whenIndexIsReopenedThenItsChunksAreStillThere() {
		Path path = this.directory.resolve("reopened");
		try (ChunkIndex index = LuceneChunkIndex.open(path, SPACE)) {
			index.put(List.of(file("acme", "one", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0))));
		}

		try (ChunkIndex index = LuceneChunkIndex.open(path, SPACE)) {
			assertThat(index.count("acme")).isOne();
		}
	}

	@Test
	void whenIndexWasBuiltWithAnotherModelThenOpeningItIsRefusedWithBothNames() {
		Path path = this.directory.resolve("mismatch");
		LuceneChunkIndex.open(path, SPACE).close();

		assertThatExceptionOfType(IndexMismatchException.class)
			.isThrownBy(() -> LuceneChunkIndex.open(path, new EmbeddingSpace("other-model", 4)))
			.withMessageContaining("test-embedding")
			.withMessageContaining("other-model");
	}

	@Test
	void whenAWritingThreadIsInterruptedThenTheIndexStaysWritable() {
		try (ChunkIndex index = LuceneChunkIndex.open(this.directory.resolve("interrupted"), SPACE)) {
			// A cancelled Reactor task interrupts its thread; Lucene's file channels
			// close
			// on interrupt, which would end the writer for good.
			Thread.currentThread().interrupt();
			try {
				index.put(List.of(file("acme", "one", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0))));
			}
			finally {
				assertThat(Thread.interrupted()).as("the caller's interrupt is kept").isTrue();
			}
			index.put(List.of(file("acme", "one", "b.py", chunk(1, 2, "g", "python", 0, 1, 0, 0))));

			assertThat(index.count("acme")).isEqualTo(2);
		}
	}

}
