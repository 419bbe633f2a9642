package dev.devassist.rag.source;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A repository or a set of uploaded files that a tenant has asked to be indexed. Secrets
 * (a git token, the webhook secret) are not part of it: they are never read back out.
 *
 * @param id its id
 * @param tenant the tenant that owns it
 * @param kind git or upload
 * @param name what people call it
 * @param location the git URL or local path; none for uploads
 * @param branch the git branch followed; the remote's default when none
 * @param status where indexing stands
 * @param error why the last job failed, if it did
 * @param indexedCommit the commit the index holds, for git sources
 * @param fileCount files indexed
 * @param chunkCount chunks indexed
 * @param createdAt when it was added
 * @param updatedAt when it last changed
 */
public record Source(String id, String tenant, Kind kind, String name, @Nullable String location,
		@Nullable String branch, Status status, @Nullable String error, @Nullable String indexedCommit, int fileCount,
		int chunkCount, Instant createdAt, Instant updatedAt) {

	/** What a source is. */
	public enum Kind {

		/** A git repository. */
		GIT,

		/** Files uploaded through the API. */
		UPLOAD

	}

	/** Where indexing of a source stands. */
	public enum Status {

		/** Added, not indexed yet. */
		PENDING,

		/** A job is indexing it. */
		INDEXING,

		/** Indexed. */
		READY,

		/** The last job failed; {@code error} says why. */
		FAILED

	}

}
