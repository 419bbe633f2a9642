package dev.devassist.rag.source;

import dev.devassist.rag.RagProperties;
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
	SourceRepository sourceRepository(JdbcClient jdbc, TransactionTemplate transactions) {
		return new SourceRepository(jdbc, transactions);
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
