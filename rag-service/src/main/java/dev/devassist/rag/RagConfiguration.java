package dev.devassist.rag;

import dev.devassist.rag.embedding.EmbeddingClient;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.index.EmbeddingSpace;
import dev.devassist.rag.index.LuceneChunkIndex;
import dev.devassist.rag.index.QdrantChunkIndex;
import dev.devassist.rag.search.HybridSearch;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The beans every part of rag-service shares: the index, the embedder and the search.
 */
@Configuration(proxyBeanMethods = false)
class RagConfiguration {

	@Bean
	EmbeddingClient embeddingClient(RagProperties properties, WebClient.Builder builder) {
		return new EmbeddingClient(properties.embedding(), builder);
	}

	@Bean(destroyMethod = "close")
	ChunkIndex chunkIndex(RagProperties properties, MeterRegistry registry) {
		EmbeddingSpace space = new EmbeddingSpace(properties.embedding().model(), properties.embedding().dimension());
		ChunkIndex index = switch (properties.index().type()) {
			case LUCENE -> LuceneChunkIndex.open(properties.dataDirectory().resolve("index"), space);
			case QDRANT -> {
				RagProperties.Qdrant qdrant = properties.index().qdrant();
				yield QdrantChunkIndex.connect(qdrant.host(), qdrant.port(), qdrant.tls(), qdrant.apiKey(),
						qdrant.timeout(), space);
			}
		};
		Gauge.builder("rag.index.chunks", index, (chunks) -> chunks.count(null))
			.description("Chunks in the index, over all tenants")
			.register(registry);
		return index;
	}

	/**
	 * The index's health, part of liveness: a Lucene writer that closed after a failed
	 * write stays closed, and only a restart of the instance opens it again.
	 */
	@Bean
	HealthIndicator chunkIndexHealthIndicator(ChunkIndex index) {
		return () -> {
			String failure = (index instanceof LuceneChunkIndex lucene) ? lucene.writeFailure() : null;
			Health.Builder health = (failure != null) ? Health.down().withDetail("reason", failure) : Health.up();
			return health.withDetail("model", index.space().model()).build();
		};
	}

	@Bean
	HybridSearch hybridSearch(ChunkIndex index, EmbeddingClient embeddings, RagProperties properties,
			MeterRegistry registry) {
		return new HybridSearch(index, embeddings, properties.search(), registry);
	}

}
