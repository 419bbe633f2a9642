package dev.devassist.rag.ingestion;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Ingestion jobs in PostgreSQL: their state and counters. The queue that hands them to
 * workers is {@link JobQueue}; this table is what callers read.
 */
public class JobRepository {

	private static final String COLUMNS = "id, tenant, source_id, trigger, status, cancel_requested, files_total,"
			+ " files_seen, files_chunked, files_embedded, files_indexed, files_skipped, files_deleted,"
			+ " chunks_embedded, error, created_at, started_at, finished_at";

	private final JdbcClient jdbc;

	public JobRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void insert(String id, String tenant, String sourceId, Job.Trigger trigger) {
		this.jdbc.sql("insert into jobs (id, tenant, source_id, trigger, status) values (?, ?, ?, ?, 'queued')")
			.params(id, tenant, sourceId, lower(trigger))
			.update();
	}

	public Optional<Job> find(String tenant, String id) {
		return this.jdbc.sql("select " + COLUMNS + " from jobs where tenant = ? and id = ?")
			.params(tenant, id)
			.query(JobRepository::job)
			.optional();
	}

	/**
	 * A job by id alone, for the worker, which acts for the job's own tenant.
	 * @param id the id
	 * @return the job
	 */
	public Optional<Job> findById(String id) {
		return this.jdbc.sql("select " + COLUMNS + " from jobs where id = ?")
			.param(id)
			.query(JobRepository::job)
			.optional();
	}

	public List<Job> list(String tenant, @Nullable String sourceId, int limit) {
		return this.jdbc
			.sql("select " + COLUMNS + " from jobs where tenant = ? and (cast(? as text) is null or source_id = ?)"
					+ " order by created_at desc, id limit ?")
			.params(tenant, sourceId, sourceId, limit)
			.query(JobRepository::job)
			.list();
	}

	/**
	 * A source's job that has not ended, if there is one, so that a second trigger joins
	 * it rather than queueing another.
	 * @param sourceId the source
	 * @return the queued job, if any
	 */
	public Optional<Job> queued(String sourceId) {
		return this.jdbc
			.sql("select " + COLUMNS + " from jobs where source_id = ? and status = 'queued'"
					+ " order by created_at limit 1")
			.param(sourceId)
			.query(JobRepository::job)
			.optional();
	}

	public void markEnqueued(String id) {
		this.jdbc.sql("update jobs set enqueued = true where id = ?").param(id).update();
	}

	/**
	 * Queued jobs that never reached the queue, such as while Redis was down.
	 * @return their ids, oldest first
	 */
	public List<String> stranded() {
		return this.jdbc
			.sql("select id from jobs where status = 'queued' and not enqueued"
					+ " and created_at < now() - interval '5 seconds' order by created_at limit 100")
			.query(String.class)
			.list();
	}

	public void started(String id) {
		this.jdbc
			.sql("update jobs set status = 'running', started_at = coalesce(started_at, now()),"
					+ " updated_at = now() where id = ? and status in ('queued', 'running')")
			.param(id)
			.update();
	}

	public void progress(String id, Job.Progress progress) {
		this.jdbc.sql("update jobs set files_total = ?, files_seen = ?, files_chunked = ?, files_embedded = ?,"
				+ " files_indexed = ?, files_skipped = ?, files_deleted = ?, chunks_embedded = ?, updated_at = now()"
				+ " where id = ?")
			.params(progress.filesTotal(), progress.filesSeen(), progress.filesChunked(), progress.filesEmbedded(),
					progress.filesIndexed(), progress.filesSkipped(), progress.filesDeleted(),
					progress.chunksEmbedded(), id)
			.update();
	}

	public void finished(String id, Job.Status status, @Nullable String error) {
		this.jdbc.sql("update jobs set status = ?, error = ?, finished_at = now(), updated_at = now() where id = ?")
			.params(lower(status), error, id)
			.update();
	}

	/**
	 * Asks a job to stop; a queued one stops at once.
	 * @param tenant the tenant
	 * @param id the job
	 * @return whether the tenant has such a job that has not ended
	 */
	public boolean requestCancel(String tenant, String id) {
		int queued = this.jdbc
			.sql("update jobs set status = 'cancelled', cancel_requested = true, finished_at = now(),"
					+ " updated_at = now() where tenant = ? and id = ? and status = 'queued'")
			.params(tenant, id)
			.update();
		int running = this.jdbc
			.sql("update jobs set cancel_requested = true, updated_at = now()"
					+ " where tenant = ? and id = ? and status = 'running'")
			.params(tenant, id)
			.update();
		return queued + running > 0;
	}

	public boolean cancelRequested(String id) {
		return this.jdbc.sql("select cancel_requested from jobs where id = ?")
			.param(id)
			.query(Boolean.class)
			.optional()
			.orElse(true);
	}

	/**
	 * Jobs that have waited or run, for the queue-lag gauge.
	 * @return the age of the oldest queued job, in seconds, or 0
	 */
	public double oldestQueuedSeconds() {
		return this.jdbc
			.sql("select coalesce(extract(epoch from now() - min(created_at)), 0) from jobs where status = 'queued'")
			.query(Double.class)
			.single();
	}

	private static Job job(ResultSet row, int number) throws SQLException {
		Job.Progress progress = new Job.Progress(row.getInt("files_total"), row.getInt("files_seen"),
				row.getInt("files_chunked"), row.getInt("files_embedded"), row.getInt("files_indexed"),
				row.getInt("files_skipped"), row.getInt("files_deleted"), row.getInt("chunks_embedded"));
		return new Job(row.getString("id"), row.getString("tenant"), row.getString("source_id"),
				Job.Trigger.valueOf(row.getString("trigger").toUpperCase(Locale.ROOT)),
				Job.Status.valueOf(row.getString("status").toUpperCase(Locale.ROOT)),
				row.getBoolean("cancel_requested"), progress, row.getString("error"),
				instant(row.getTimestamp("created_at")), nullableInstant(row.getTimestamp("started_at")),
				nullableInstant(row.getTimestamp("finished_at")));
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp.toInstant();
	}

	private static @Nullable Instant nullableInstant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
