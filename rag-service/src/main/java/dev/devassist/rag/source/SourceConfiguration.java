package dev.devassist.rag.source;

import java.util.Locale;

import dev.devassist.rag.RagProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.ingestion.JobScheduler;
import dev.devassist.rag.ingestion.TextExtraction;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sources: their records, stored files, git access and the API.
 */
@Configuration(proxyBeanMethods = false)
public class SourceConfiguration {

	@Bean
	SourceRepository sourceRepository(JdbcClient jdbc, TransactionTemplate transactions, MeterRegistry registry) {
		SourceRepository repository = new SourceRepository(jdbc, transactions);
		SourceStatusGauges gauges = new SourceStatusGauges(repository);
		for (Source.Status status : Source.Status.values()) {
			Gauge.builder("rag.sources", gauges, (counts) -> counts.count(status))
				.description("Sources of all tenants, by where their indexing stands")
				.tag("status", status.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		return repository;
	}

	@Bean
	BlobStore blobStore(RagProperties properties) {
		return switch (properties.storage().type()) {
			case FILE -> new FileBlobStore(properties.dataDirectory().resolve("files"));
			case S3 -> new S3BlobStore(properties.storage().s3());
		};
	}

	@Bean
	GitLocations gitLocations(RagProperties properties) {
		return new GitLocations(properties.ingestion().allowedLocalRoots(),
				properties.ingestion().allowPrivateNetworks());
	}

	@Bean
	GitRepositories gitRepositories(RagProperties properties) {
		return new GitRepositories(properties.dataDirectory().resolve("git"), properties.ingestion().gitTimeout());
	}

	@Bean
	SourceFiles sourceFiles(SourceRepository repository, BlobStore blobs, GitRepositories git, GitLocations locations) {
		return new SourceFiles(repository, blobs, git, locations, new FileRules());
	}

	@Bean
	Sources sources(SourceRepository repository, BlobStore blobs, ChunkIndex index, GitLocations locations,
			GitRepositories git, JobScheduler scheduler, TextExtraction extraction, RagProperties properties) {
		RagProperties.Ingestion ingestion = properties.ingestion();
		Uploads uploads = new Uploads(ingestion.maxFileSize().toBytes(), ingestion.maxExtractedSize().toBytes(),
				ingestion.maxFiles(), extraction);
		return new Sources(repository, blobs, index, locations, git, scheduler, uploads);
	}

}
