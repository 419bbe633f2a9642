package dev.devassist.rag.index;

import java.util.Map;
import java.util.SortedMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Qdrant index decides without a server: collection names and sparse vectors.
 */
class QdrantChunkIndexTests {

	@Test
	void whenModelNameHasSlashesAndDotsThenCollectionNameKeepsOnlyLettersDigitsAndUnderscores() {
		String name = QdrantChunkIndex.collectionName(new EmbeddingSpace("BAAI/bge-small-en-v1.5", 384));

		assertThat(name).isEqualTo("devassist_chunks_baai_bge_small_en_v1_5_384");
	}

	@Test
	void whenQueryNamesAnIdentifierPartThenItsTermIsADimensionOfTheChunkThatHoldsTheIdentifier() {
		IndexedChunk chunk = new IndexedChunk(1, 5, "readConfigFile", "java", "void readConfigFile() { open(); }",
				new float[] { 1 });

		SortedMap<Integer, Float> weights = QdrantChunkIndex.documentWeights("src/A.java", chunk);
		Map<String, Integer> query = QdrantChunkIndex.terms("how to read a config file", 64);

		assertThat(query).containsOnlyKeys("how", "read", "config", "file");
		assertThat(weights).containsKeys(QdrantChunkIndex.index("read"), QdrantChunkIndex.index("config"),
				QdrantChunkIndex.index("file"));
		assertThat(weights).doesNotContainKey(QdrantChunkIndex.index("how"));
	}

	@Test
	void whenTermRepeatsThenItsWeightGrowsButLessThanItsCount() {
		IndexedChunk once = new IndexedChunk(1, 1, null, "text", "parser", new float[] { 1 });
		IndexedChunk thrice = new IndexedChunk(1, 1, null, "text", "parser parser parser", new float[] { 1 });
		int parser = QdrantChunkIndex.index("parser");

		float one = QdrantChunkIndex.documentWeights("a", once).get(parser);
		float three = QdrantChunkIndex.documentWeights("a", thrice).get(parser);

		assertThat(three).isGreaterThan(one).isLessThan(3 * one);
	}

}
