package dev.devassist.rag.ingestion;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An ingestion job and how far it has come.
 *
 * @param id its id
 * @param tenant the tenant it works for
 * @param sourceId the source it indexes
 * @param trigger what started it
 * @param status where it stands
 * @param cancelRequested whether someone asked it to stop
 * @param progress its counters
 * @param error why it failed, if it did
 * @param createdAt when it was queued
 * @param startedAt when a worker took it
 * @param finishedAt when it ended
 */
public record Job(String id, String tenant, String sourceId, Trigger trigger, Status status, boolean cancelRequested,
		Progress progress, @Nullable String error, Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant finishedAt) {

	/** What started a job. */
	public enum Trigger {

		/** The source was added. */
		CREATE,

		/** Files were uploaded to it. */
		UPLOAD,

		/** Someone asked for a sync. */
		SYNC,

		/** A push webhook arrived. */
		WEBHOOK

	}

	/** Where a job stands. */
	public enum Status {

		/** Waiting for a worker. */
		QUEUED,

		/** A worker is on it. */
		RUNNING,

		/** Done. */
		SUCCEEDED,

		/** Stopped by an error. */
		FAILED,

		/** Stopped on request. */
		CANCELLED;

		/**
		 * Whether the job has ended.
		 * @return true when it will not change again
		 */
		public boolean isFinal() {
			return this == SUCCEEDED || this == FAILED || this == CANCELLED;
		}

	}

	/**
	 * A job's counters: files flow from seen to chunked, embedded and indexed (or
	 * skipped).
	 *
	 * @param filesTotal files the job has to look at, once known
	 * @param filesSeen files looked at
	 * @param filesChunked files split into chunks
	 * @param filesEmbedded files whose chunks all have vectors
	 * @param filesIndexed files written to the index
	 * @param filesSkipped files left out (unchanged, too large, binary, unreadable)
	 * @param filesDeleted files removed from the index
	 * @param chunksEmbedded chunks embedded
	 */
	public record Progress(int filesTotal, int filesSeen, int filesChunked, int filesEmbedded, int filesIndexed,
			int filesSkipped, int filesDeleted, int chunksEmbedded) {

		/** Nothing done yet. */
		public static final Progress NONE = new Progress(0, 0, 0, 0, 0, 0, 0, 0);

		/**
		 * How long the rest should take at the pace so far.
		 * @param elapsed time spent
		 * @return the estimate, or null before there is a pace
		 */
		public @Nullable Duration eta(Duration elapsed) {
			int done = this.filesIndexed + this.filesSkipped;
			if (done == 0 || this.filesTotal <= done) {
				return (this.filesTotal > 0 && this.filesTotal <= done) ? Duration.ZERO : null;
			}
			return elapsed.multipliedBy(this.filesTotal - done).dividedBy(done);
		}

	}

}
