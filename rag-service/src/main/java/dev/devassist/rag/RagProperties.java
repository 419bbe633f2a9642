package dev.devassist.rag;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of rag-service, bound from {@code devassist.rag.*}.
 *
 * @param dataDirectory where the embedded defaults keep their files: the Lucene index and
 * the local file store
 * @param embedding how chunks and queries are embedded
 * @param index which index holds the chunks
 * @param storage where uploaded files and repository snapshots are kept
 * @param ingestion how ingestion jobs run, and what they refuse
 * @param search how search ranks and shapes its answers
 * @param redis the Redis that holds the ingestion queue
 */
@Validated
@ConfigurationProperties("devassist.rag")
public record RagProperties(@NotNull Path dataDirectory, @DefaultValue @Valid Embedding embedding,
		@DefaultValue @Valid Index index, @DefaultValue @Valid Storage storage,
		@DefaultValue @Valid Ingestion ingestion, @DefaultValue @Valid Search search,
		@DefaultValue @Valid Redis redis) {

	/**
	 * The Redis that holds the ingestion queue.
	 *
	 * @param url its URL, e.g. {@code redis://127.0.0.1:6379}
	 * @param stream the stream's key
	 * @param group the consumer group of rag-service's workers
	 * @param consumer this instance's name in the group; keep it stable across restarts
	 * (the pod's name) so that it resumes its own jobs at once
	 * @param timeout the longest one command may take
	 */
	public record Redis(@DefaultValue("redis://127.0.0.1:6379") @NotNull URI url,
			@DefaultValue("devassist:rag:jobs") @NotBlank String stream,
			@DefaultValue("rag-workers") @NotBlank String group, @Nullable String consumer,
			@DefaultValue("5s") @NotNull Duration timeout) {
	}

	/**
	 * How texts are embedded: through the inference proxy's {@code /v1/embeddings}.
	 *
	 * @param proxyUrl the inference proxy
	 * @param model the embedding model's name there
	 * @param dimension its vectors' length
	 * @param serviceToken the proxy's shared service token, when it guards itself with
	 * one
	 * @param timeout the longest one call may take, connection included
	 * @param batchSize texts sent in one call during ingestion
	 * @param retryFor how long ingestion keeps retrying a proxy that is down or saturated
	 * before it fails the job
	 */
	public record Embedding(@DefaultValue("http://127.0.0.1:8083") @NotNull URI proxyUrl,
			@DefaultValue("all-minilm-l6-v2") @NotBlank String model,
			@DefaultValue("384") @Min(1) @Max(4096) int dimension, @Nullable String serviceToken,
			@DefaultValue("30s") @NotNull Duration timeout, @DefaultValue("32") @Min(1) @Max(2048) int batchSize,
			@DefaultValue("10m") @NotNull Duration retryFor) {
	}

	/**
	 * Which index holds the chunks.
	 *
	 * @param type {@code lucene} (embedded, on local disk) or {@code qdrant}
	 * @param qdrant the Qdrant server, when that is the type
	 */
	public record Index(@DefaultValue("lucene") @NotNull IndexType type, @DefaultValue @Valid Qdrant qdrant) {
	}

	/** The kinds of index. */
	public enum IndexType {

		/** Lucene on local disk. */
		LUCENE,

		/** A Qdrant server. */
		QDRANT

	}

	/**
	 * A Qdrant server.
	 *
	 * @param host its host
	 * @param port its gRPC port
	 * @param tls whether to speak TLS
	 * @param apiKey its API key, if it needs one
	 * @param timeout the longest one call may take
	 */
	public record Qdrant(@DefaultValue("localhost") @NotBlank String host, @DefaultValue("6334") @Min(1) int port,
			@DefaultValue("false") boolean tls, @Nullable String apiKey,
			@DefaultValue("10s") @NotNull Duration timeout) {
	}

	/**
	 * Where files are stored.
	 *
	 * @param type {@code file} (a local directory) or {@code s3}
	 * @param s3 the S3-compatible store, when that is the type
	 */
	public record Storage(@DefaultValue("file") @NotNull StorageType type, @DefaultValue @Valid S3 s3) {
	}

	/** The kinds of store. */
	public enum StorageType {

		/** A directory under the data directory. */
		FILE,

		/** An S3-compatible store, such as MinIO. */
		S3

	}

	/**
	 * An S3-compatible store.
	 *
	 * @param endpoint its URL
	 * @param region its region
	 * @param bucket the bucket, created when missing
	 * @param accessKey the access key
	 * @param secretKey the secret key
	 * @param timeout the longest one call may take
	 */
	public record S3(@DefaultValue("http://127.0.0.1:9000") @NotNull URI endpoint,
			@DefaultValue("us-east-1") @NotBlank String region, @DefaultValue("devassist-rag") @NotBlank String bucket,
			@DefaultValue("") String accessKey, @DefaultValue("") String secretKey,
			@DefaultValue("60s") @NotNull Duration timeout) {
	}

	/**
	 * How ingestion runs, and what it refuses.
	 *
	 * @param workers jobs run at once by this instance
	 * @param reclaimAfter how long a job may sit unacknowledged with a consumer before
	 * another takes it over, as after a crash
	 * @param maxFileSize the largest single file ingested; larger ones are skipped with a
	 * reason (git) or refused (uploads)
	 * @param maxUploadSize the largest upload request
	 * @param maxFiles the most files one source may hold
	 * @param maxExtractedSize the most bytes an archive or document may expand to,
	 * against zip bombs
	 * @param allowedLocalRoots directories under which {@code file:} and plain-path git
	 * sources may lie; none allowed when empty
	 * @param allowPrivateNetworks whether git URLs may point at loopback, link-local and
	 * private addresses (off: a source must not reach the cluster's insides)
	 * @param gitTimeout the longest a clone or fetch may take
	 */
	public record Ingestion(@DefaultValue("1") @Min(1) @Max(16) int workers,
			@DefaultValue("60s") @NotNull Duration reclaimAfter, @DefaultValue("2MB") @NotNull DataSize maxFileSize,
			@DefaultValue("64MB") @NotNull DataSize maxUploadSize, @DefaultValue("50000") @Min(1) int maxFiles,
			@DefaultValue("256MB") @NotNull DataSize maxExtractedSize, @DefaultValue List<Path> allowedLocalRoots,
			@DefaultValue("false") boolean allowPrivateNetworks, @DefaultValue("10m") @NotNull Duration gitTimeout) {
	}

	/**
	 * How search ranks and shapes its answers.
	 *
	 * @param candidates how many hits each retriever offers to the fusion
	 * @param denseWeight the dense retriever's share in the fused score, the lexical one
	 * taking the rest; tuned on CoSQA (see docs/decisions.md)
	 * @param defaultLimit hits returned when the request does not say
	 * @param maxLimit the most hits a request may ask for
	 * @param maxPerFile hits from one file when the request does not say
	 */
	public record Search(@DefaultValue("100") @Min(1) @Max(1000) int candidates,
			@DefaultValue("0.8") @DecimalMin("0") @DecimalMax("1") double denseWeight,
			@DefaultValue("10") @Min(1) int defaultLimit, @DefaultValue("100") @Min(1) int maxLimit,
			@DefaultValue("3") @Min(1) int maxPerFile) {
	}

}
