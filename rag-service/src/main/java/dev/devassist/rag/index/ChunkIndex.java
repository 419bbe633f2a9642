package dev.devassist.rag.index;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where chunks are kept and found. Every read names a tenant and sees nothing of any
 * other; every write replaces whole files, so retries and re-runs never duplicate a
 * chunk. Implementations are safe for concurrent use.
 */
public interface ChunkIndex extends AutoCloseable {

	/**
	 * The embedding model and dimension the index holds vectors of.
	 * @return the space
	 */
	EmbeddingSpace space();

	/**
	 * Replaces all chunks of the given files with theirs, durably: when this returns, a
	 * crash loses none of them.
	 * @param files the files; a file with no chunks just removes the old ones
	 * @throws IndexMismatchException when a vector has the wrong dimension
	 */
	void put(List<IndexedFile> files);

	/**
	 * Removes one file's chunks.
	 * @param tenant the tenant
	 * @param sourceId the source
	 * @param path the file's path
	 */
	void deleteFile(String tenant, String sourceId, String path);

	/**
	 * Removes every chunk of a source.
	 * @param tenant the tenant
	 * @param sourceId the source
	 */
	void deleteSource(String tenant, String sourceId);

	/**
	 * The nearest chunks to a vector.
	 * @param filter what may be returned
	 * @param vector the query's embedding
	 * @param limit how many at most
	 * @return the hits, best first, scored by similarity
	 */
	List<IndexHit> dense(IndexFilter filter, float[] vector, int limit);

	/**
	 * The chunks that best match a text's words (BM25 over code-aware tokens).
	 * @param filter what may be returned
	 * @param text the query text
	 * @param limit how many at most
	 * @return the hits, best first
	 */
	List<IndexHit> lexical(IndexFilter filter, String text, int limit);

	/**
	 * The chunks of one file, in line order, e.g. to widen a hit by its neighbours.
	 * @param tenant the tenant
	 * @param sourceId the source
	 * @param path the file's path
	 * @return its chunks, first line first
	 */
	List<IndexHit> fileChunks(String tenant, String sourceId, String path);

	/**
	 * How many chunks a tenant has, or all tenants together.
	 * @param tenant the tenant, or {@code null} for all
	 * @return the count
	 */
	long count(@Nullable String tenant);

	@Override
	void close();

}
