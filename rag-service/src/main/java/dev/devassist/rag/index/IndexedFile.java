package dev.devassist.rag.index;

import java.util.List;

/**
 * Every chunk of one file: the unit an index replaces at once, so that a file is never
 * half old and half new, and indexing it twice leaves one copy.
 *
 * @param tenant the tenant that owns it
 * @param sourceId the source it came from
 * @param path its path inside the source, with forward slashes
 * @param commit the commit it was read at, or an upload's version
 * @param contentHash the SHA-256 of its bytes, hex
 * @param chunks its chunks, possibly none (an empty file)
 */
public record IndexedFile(String tenant, String sourceId, String path, String commit, String contentHash,
		List<IndexedChunk> chunks) {

	public IndexedFile {
		chunks = List.copyOf(chunks);
	}

}
