package dev.devassist.rag.ingestion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * The threads that take jobs off the queue and run them. Each first resumes what this
 * consumer left pending (a restart after a crash), then takes over jobs abandoned by
 * other consumers, then waits for new ones. While Redis is down they wait and try again;
 * they stop taking work at shutdown and let the job in hand finish.
 */
public final class IngestionWorkers implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(IngestionWorkers.class);

	private static final Duration WAIT = Duration.ofSeconds(2);

	private final JobQueue queue;

	private final JobRepository jobs;

	private final Ingestion ingestion;

	private final RedisClient redis;

	private final int workers;

	private final Duration reclaimAfter;

	private final ScheduledExecutorService renewals = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("ingestion-renewal").daemon().factory());

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running;

	private volatile boolean redisFailing;

	public IngestionWorkers(JobQueue queue, JobRepository jobs, Ingestion ingestion, RedisClient redis, int workers,
			Duration reclaimAfter) {
		this.queue = queue;
		this.jobs = jobs;
		this.ingestion = ingestion;
		this.redis = redis;
		this.workers = workers;
		this.reclaimAfter = reclaimAfter;
	}

	@Override
	public void start() {
		this.running = true;
		for (int i = 0; i < this.workers; i++) {
			Thread thread = Thread.ofPlatform().name("ingestion-" + i).start(this::work);
			this.threads.add(thread);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join(Duration.ofSeconds(30));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.renewals.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void work() {
		boolean resumed = false;
		long lastReclaim = 0;
		StatefulRedisConnection<String, String> connection = null;
		while (this.running) {
			try {
				if (connection == null) {
					connection = this.redis.connect();
					this.queue.createGroup();
				}
				if (!resumed) {
					this.queue.ownPending(connection).forEach(this::handle);
					resumed = true;
				}
				if (System.nanoTime() - lastReclaim > this.reclaimAfter.toNanos() / 2) {
					lastReclaim = System.nanoTime();
					this.queue.reclaim(this.reclaimAfter).forEach(this::handle);
				}
				Optional<JobQueue.Entry> entry = this.queue.next(connection, WAIT);
				entry.ifPresent(this::handle);
				recovered();
			}
			catch (RuntimeException ex) {
				failed(ex);
				if (connection != null) {
					connection.closeAsync();
					connection = null;
				}
				pause();
			}
		}
		if (connection != null) {
			connection.close();
		}
	}

	private void handle(JobQueue.Entry entry) {
		if (entry.jobId() == null) {
			this.queue.acknowledge(entry);
			return;
		}
		Job job = this.jobs.findById(entry.jobId()).orElse(null);
		if (job == null || job.status().isFinal()) {
			this.queue.acknowledge(entry);
			return;
		}
		long every = Math.max(1000, this.reclaimAfter.toMillis() / 3);
		ScheduledFuture<?> renewal = this.renewals.scheduleAtFixedRate(() -> renew(entry), every, every,
				TimeUnit.MILLISECONDS);
		try {
			logger.info("Ingestion job {} of source {} starts on {}.", job.id(), job.sourceId(), this.queue.consumer());
			this.ingestion.run(job);
		}
		finally {
			renewal.cancel(false);
		}
		this.queue.acknowledge(entry);
	}

	private void renew(JobQueue.Entry entry) {
		try {
			this.queue.renew(entry);
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot renew the claim on {}: {}", entry.id(), ex.getMessage());
		}
	}

	private void failed(RuntimeException ex) {
		if (!this.redisFailing) {
			this.redisFailing = true;
			logger.warn("The ingestion queue cannot be read; workers wait and try again: {}", ex.getMessage());
		}
		else {
			logger.debug("The ingestion queue still cannot be read: {}", ex.getMessage());
		}
	}

	private void recovered() {
		if (this.redisFailing) {
			this.redisFailing = false;
			logger.info("The ingestion queue can be read again.");
		}
	}

	private void pause() {
		try {
			Thread.sleep(WAIT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.running = false;
		}
	}

}
