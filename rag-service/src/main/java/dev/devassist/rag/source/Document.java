package dev.devassist.rag.source;

import org.jspecify.annotations.Nullable;

/**
 * One file of a source, as the index knows it.
 *
 * @param path its path in the source, with forward slashes
 * @param contentHash the SHA-256 of what the source holds now
 * @param indexedHash the SHA-256 of what the index holds, if anything
 * @param language its language id
 * @param sizeBytes its size
 * @param chunkCount chunks indexed from it
 * @param status pending, indexed or skipped
 * @param reason why it was skipped, if it was
 */
public record Document(String path, String contentHash, @Nullable String indexedHash, String language, long sizeBytes,
		int chunkCount, String status, @Nullable String reason) {

	/**
	 * Whether the index lags behind the source for this file.
	 * @return true when it must be (re-)indexed
	 */
	public boolean isPending() {
		return !this.contentHash.equals(this.indexedHash);
	}

}
