package dev.devassist.rag.index;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.qdrant.QdrantContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The contract against a real Qdrant server in a container, skipped where Docker is
 * absent. Each test gets a collection of its own.
 */
@Testcontainers(disabledWithoutDocker = true)
class QdrantChunkIndexIT extends ChunkIndexContract {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Container
	static final QdrantContainer qdrant = new QdrantContainer("qdrant/qdrant:v1.16.1");

	@Override
	ChunkIndex openIndex() {
		return QdrantChunkIndex.open(client(), newCollection(), SPACE, TIMEOUT);
	}

	@Test
	void whenCollectionIsReopenedThenItsChunksAreStillThere() {
		String collection = newCollection();
		try (ChunkIndex index = QdrantChunkIndex.open(client(), collection, SPACE, TIMEOUT)) {
			index.put(List.of(file("acme", "one", "a.py", chunk(1, 2, "f", "python", 1, 0, 0, 0))));
		}

		try (ChunkIndex index = QdrantChunkIndex.open(client(), collection, SPACE, TIMEOUT)) {
			assertThat(index.count("acme")).isOne();
		}
	}

	@Test
	void whenCollectionHoldsAnotherDimensionThenOpeningItIsRefusedWithBoth() {
		String collection = newCollection();
		QdrantChunkIndex.open(client(), collection, SPACE, TIMEOUT).close();
		EmbeddingSpace wider = new EmbeddingSpace(SPACE.model(), 8);

		assertThatExceptionOfType(IndexMismatchException.class)
			.isThrownBy(() -> QdrantChunkIndex.open(client(), collection, wider, TIMEOUT))
			.withMessageContaining("dimension 4")
			.withMessageContaining("dimension 8");
	}

	@Test
	void whenCollectionWasBuiltWithAnotherModelThenOpeningItIsRefusedWithBothNames() {
		String collection = newCollection();
		QdrantChunkIndex.open(client(), collection, SPACE, TIMEOUT).close();
		EmbeddingSpace other = new EmbeddingSpace("other-model", SPACE.dimension());

		assertThatExceptionOfType(IndexMismatchException.class)
			.isThrownBy(() -> QdrantChunkIndex.open(client(), collection, other, TIMEOUT))
			.withMessageContaining("test-embedding")
			.withMessageContaining("other-model");
	}

	private static QdrantClient client() {
		return new QdrantClient(
				QdrantGrpcClient.newBuilder(qdrant.getHost(), qdrant.getGrpcPort(), false, false).build());
	}

	private static String newCollection() {
		return "contract_" + UUID.randomUUID().toString().replace("-", "");
	}

}
