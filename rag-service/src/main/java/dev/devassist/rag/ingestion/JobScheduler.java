package dev.devassist.rag.ingestion;

import java.security.SecureRandom;
import java.util.HexFormat;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates jobs and queues them. A source gets at most one queued job: a second trigger
 * while one waits joins it, since that job will see the newest state anyway. A job whose
 * queueing fails (Redis down) stays queued in PostgreSQL and is queued again by
 * {@link #requeueStranded()}.
 */
public final class JobScheduler {

	private static final Logger logger = LoggerFactory.getLogger(JobScheduler.class);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JobRepository jobs;

	private final JobQueue queue;

	public JobScheduler(JobRepository jobs, JobQueue queue) {
		this.jobs = jobs;
		this.queue = queue;
	}

	/**
	 * Queues a job for a source, or returns the one already waiting.
	 * @param tenant the source's tenant
	 * @param sourceId the source
	 * @param trigger what asks for it
	 * @return the job
	 */
	public Job schedule(String tenant, String sourceId, Job.Trigger trigger) {
		Job waiting = this.jobs.queued(sourceId).orElse(null);
		if (waiting != null) {
			return waiting;
		}
		String id = "job_" + HexFormat.of().formatHex(bytes());
		this.jobs.insert(id, tenant, sourceId, trigger);
		try {
			this.queue.enqueue(id);
			this.jobs.markEnqueued(id);
		}
		catch (RuntimeException ex) {
			logger.warn("Job {} is saved but cannot be queued now; it will be queued when Redis answers: {}", id,
					ex.getMessage());
		}
		return this.jobs.findById(id).orElseThrow();
	}

	/**
	 * Queues the jobs whose queueing failed.
	 */
	public void requeueStranded() {
		for (String id : this.jobs.stranded()) {
			this.queue.enqueue(id);
			this.jobs.markEnqueued(id);
			logger.info("Job {} is queued now.", id);
		}
	}

	private static byte[] bytes() {
		byte[] bytes = new byte[12];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

}
