package dev.devassist.rag.source;

import java.util.Optional;

/**
 * Where the bytes of uploaded files and repository snapshots are kept, by key. Keys are
 * {@code <tenant>/<source>/<sha256>}: content-addressed within a source, so storing a
 * file twice is harmless and removing a source removes one prefix.
 */
public interface BlobStore {

	/**
	 * Stores bytes under a key, replacing what was there.
	 * @param key the key
	 * @param bytes the content
	 */
	void put(String key, byte[] bytes);

	/**
	 * Reads what a key holds.
	 * @param key the key
	 * @return the content, or empty when the key holds nothing
	 */
	Optional<byte[]> get(String key);

	/**
	 * Removes every key under a prefix.
	 * @param prefix the prefix, ending with {@code /}
	 */
	void deletePrefix(String prefix);

	/**
	 * The key of a file's content within a source.
	 * @param tenant the tenant
	 * @param sourceId the source
	 * @param sha256 the content's hash, hex
	 * @return the key
	 */
	static String key(String tenant, String sourceId, String sha256) {
		return prefix(tenant, sourceId) + sha256;
	}

	/**
	 * The key of the text extracted from a document, beside its content.
	 * @param tenant the tenant
	 * @param sourceId the source
	 * @param sha256 the document's content hash
	 * @return the key
	 */
	static String textKey(String tenant, String sourceId, String sha256) {
		return key(tenant, sourceId, sha256) + ".txt";
	}

	/**
	 * The prefix of every key of a source.
	 * @param tenant the tenant
	 * @param sourceId the source
	 * @return the prefix
	 */
	static String prefix(String tenant, String sourceId) {
		return tenant + "/" + sourceId + "/";
	}

}
