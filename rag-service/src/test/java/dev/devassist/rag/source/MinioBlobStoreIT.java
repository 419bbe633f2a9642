package dev.devassist.rag.source;

import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import dev.devassist.rag.RagProperties;

/**
 * The S3 store against MinIO itself, in a container: skipped where Docker is absent, run
 * by the pipeline's test-containers job.
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioBlobStoreIT extends S3BlobStoreContract {

	@Container
	static final MinIOContainer minio = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z");

	static S3BlobStore store;

	@BeforeAll
	static void connect() {
		store = new S3BlobStore(new RagProperties.S3(URI.create(minio.getS3URL()), "us-east-1", "devassist-test",
				minio.getUserName(), minio.getPassword(), Duration.ofSeconds(10)));
	}

	@Override
	S3BlobStore store() {
		return store;
	}

}
