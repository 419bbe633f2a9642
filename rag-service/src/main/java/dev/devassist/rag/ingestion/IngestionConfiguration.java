package dev.devassist.rag.ingestion;

import java.net.InetAddress;
import java.net.UnknownHostException;

import dev.devassist.rag.RagProperties;
import dev.devassist.rag.chunking.CodeAwareChunker;
import dev.devassist.rag.embedding.EmbeddingClient;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.source.SourceFiles;
import dev.devassist.rag.source.SourceRepository;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Ingestion: the queue in Redis, the jobs in PostgreSQL, the pipeline and its workers.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
public class IngestionConfiguration {

	@Bean(destroyMethod = "shutdown")
	RedisClient ingestionRedis(RagProperties properties) {
		RedisURI uri = RedisURI.create(properties.redis().url());
		uri.setTimeout(properties.redis().timeout());
		RedisClient client = RedisClient.create(uri);
		client.setOptions(ClientOptions.builder()
			.socketOptions(SocketOptions.builder().connectTimeout(properties.redis().timeout()).build())
			.timeoutOptions(TimeoutOptions.enabled(properties.redis().timeout()))
			.build());
		return client;
	}

	@Bean(destroyMethod = "close")
	JobQueue jobQueue(RedisClient ingestionRedis, RagProperties properties) {
		RagProperties.Redis redis = properties.redis();
		String consumer = (redis.consumer() != null) ? redis.consumer() : hostName();
		return new JobQueue(ingestionRedis, redis.stream(), redis.group(), consumer);
	}

	@Bean
	JobRepository jobRepository(JdbcClient jdbc) {
		return new JobRepository(jdbc);
	}

	@Bean
	JobScheduler jobScheduler(JobRepository jobs, JobQueue queue) {
		return new JobScheduler(jobs, queue);
	}

	@Bean
	TextExtraction textExtraction(RagProperties properties) {
		return new TextExtraction((int) Math.min(properties.ingestion().maxExtractedSize().toBytes(), 100_000_000));
	}

	@Bean
	Ingestion ingestion(SourceRepository sources, SourceFiles files, JobRepository jobs, TextExtraction extraction,
			EmbeddingClient embeddings, ChunkIndex index, RagProperties properties, MeterRegistry registry) {
		return new Ingestion(sources, files, jobs, extraction, new CodeAwareChunker(), embeddings, index,
				properties.embedding().batchSize(), properties.embedding().retryFor(), registry);
	}

	@Bean
	IngestionWorkers ingestionWorkers(JobQueue queue, JobRepository jobs, Ingestion ingestion,
			RedisClient ingestionRedis, RagProperties properties, MeterRegistry registry) {
		Gauge.builder("rag.ingestion.queue.lag", jobs, JobRepository::oldestQueuedSeconds)
			.description("How long the oldest queued ingestion job has waited")
			.baseUnit("seconds")
			.register(registry);
		return new IngestionWorkers(queue, jobs, ingestion, ingestionRedis, properties.ingestion().workers(),
				properties.ingestion().reclaimAfter());
	}

	@Bean
	StrandedJobs strandedJobs(JobScheduler scheduler) {
		return new StrandedJobs(scheduler);
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "rag-service";
		}
	}

	/**
	 * Queues, every 15 seconds, the jobs that could not be queued when they were made.
	 */
	static final class StrandedJobs {

		private final JobScheduler scheduler;

		StrandedJobs(JobScheduler scheduler) {
			this.scheduler = scheduler;
		}

		@Scheduled(fixedDelay = 15_000, initialDelay = 15_000)
		void requeue() {
			try {
				this.scheduler.requeueStranded();
			}
			catch (RuntimeException ex) {
				// Redis is still down; the next round tries again.
			}
		}

	}

}
