package dev.devassist.rag.index;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Chunk ids that every index shares: a name-based UUID of where the chunk lies and what
 * its file held, so the same chunk gets the same id in Lucene and in Qdrant (whose point
 * ids must be UUIDs or numbers).
 */
final class ChunkIds {

	private ChunkIds() {
	}

	static String of(IndexedFile file, IndexedChunk chunk) {
		String name = String.join("\u0000", file.tenant(), file.sourceId(), file.path(), file.contentHash(),
				String.valueOf(chunk.startLine()), String.valueOf(chunk.endLine()));
		return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
	}

}
