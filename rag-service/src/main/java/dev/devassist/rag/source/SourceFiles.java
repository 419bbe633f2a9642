package dev.devassist.rag.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.devassist.rag.chunking.Languages;
import org.jspecify.annotations.Nullable;

/**
 * What a source holds now against what the index holds: for a git source it walks the
 * branch's newest commit and records every file's blob id as its content hash, so
 * unchanged files are recognised without reading them; deleted and renamed-away paths
 * come back as deletions. Uploads record their files as they arrive, so there is nothing
 * to walk.
 */
public final class SourceFiles {

	private final SourceRepository sources;

	private final BlobStore blobs;

	private final GitRepositories git;

	private final GitLocations locations;

	private final FileRules rules;

	public SourceFiles(SourceRepository sources, BlobStore blobs, GitRepositories git, GitLocations locations,
			FileRules rules) {
		this.sources = sources;
		this.blobs = blobs;
		this.git = git;
		this.locations = locations;
		this.rules = rules;
	}

	/**
	 * Brings a source's documents up to date and says what the index must catch up on.
	 * @param source the source
	 * @return the changes; close them when done
	 */
	public Changes scan(Source source) {
		if (source.kind() == Source.Kind.UPLOAD) {
			List<Document> documents = this.sources.documents(source.tenant(), source.id());
			return new Changes(null, documents.stream().filter(Document::isPending).toList(), List.of(), null,
					this.blobs, source);
		}
		GitLocations.GitLocation location = this.locations.check(source.location());
		String token = this.sources.accessToken(source.id()).orElse(null);
		GitRepositories.Snapshot snapshot = this.git.open(source.id(), location, source.branch(), token);
		try {
			return gitChanges(source, snapshot);
		}
		catch (RuntimeException ex) {
			snapshot.close();
			throw ex;
		}
	}

	private Changes gitChanges(Source source, GitRepositories.Snapshot snapshot) {
		Map<String, Document> known = new HashMap<>();
		for (Document document : this.sources.documents(source.tenant(), source.id())) {
			known.put(document.path(), document);
		}
		Set<String> present = new HashSet<>();
		List<Document> pending = new ArrayList<>();
		this.sources.inTransaction(() -> record(source, snapshot, known, present, pending));
		List<String> deleted = known.keySet().stream().filter((path) -> !present.contains(path)).sorted().toList();
		return new Changes(snapshot.commit(), pending, deleted, snapshot, this.blobs, source);
	}

	private void record(Source source, GitRepositories.Snapshot snapshot, Map<String, Document> known,
			Set<String> present, List<Document> pending) {
		for (GitRepositories.TreeFile file : snapshot.files()) {
			if (!this.rules.isWanted(file.path())) {
				continue;
			}
			present.add(file.path());
			Document document = known.get(file.path());
			if (document != null && file.blobId().equals(document.indexedHash())) {
				continue;
			}
			long size = snapshot.size(file.blobId());
			String language = Languages.of(file.path());
			this.sources.putDocument(source.tenant(), source.id(), file.path(), file.blobId(), language, size);
			pending.add(new Document(file.path(), file.blobId(), (document != null) ? document.indexedHash() : null,
					language, size, 0, "pending", null));
		}
	}

	/**
	 * What the index must catch up on for one source.
	 */
	public static final class Changes implements AutoCloseable {

		private final @Nullable String commit;

		private final List<Document> pending;

		private final List<String> deleted;

		private final GitRepositories.@Nullable Snapshot snapshot;

		private final BlobStore blobs;

		private final Source source;

		Changes(@Nullable String commit, List<Document> pending, List<String> deleted,
				GitRepositories.@Nullable Snapshot snapshot, BlobStore blobs, Source source) {
			this.commit = commit;
			this.pending = List.copyOf(pending);
			this.deleted = List.copyOf(deleted);
			this.snapshot = snapshot;
			this.blobs = blobs;
			this.source = source;
		}

		/**
		 * The commit scanned, for git sources.
		 * @return the commit id, or null for uploads
		 */
		public @Nullable String commit() {
			return this.commit;
		}

		/**
		 * Files whose content the index does not hold yet.
		 * @return them, in path order
		 */
		public List<Document> pending() {
			return this.pending;
		}

		/**
		 * Paths the index holds that the source no longer has.
		 * @return them
		 */
		public List<String> deleted() {
			return this.deleted;
		}

		/**
		 * Reads a pending file's bytes, keeping a copy in the blob store as the snapshot
		 * that citations are opened from.
		 * @param document the file
		 * @return its bytes, or empty when they are gone
		 */
		public Optional<byte[]> read(Document document) {
			String key = BlobStore.key(this.source.tenant(), this.source.id(), document.contentHash());
			if (this.snapshot == null) {
				return this.blobs.get(key);
			}
			byte[] bytes = this.snapshot.read(document.contentHash());
			this.blobs.put(key, bytes);
			return Optional.of(bytes);
		}

		/**
		 * The text extracted from a document when it was uploaded, so it is not parsed
		 * twice.
		 * @param document the file
		 * @return the text, or empty when none was kept (as for git sources)
		 */
		public Optional<String> keptText(Document document) {
			if (this.snapshot != null) {
				return Optional.empty();
			}
			return this.blobs.get(BlobStore.textKey(this.source.tenant(), this.source.id(), document.contentHash()))
				.map((bytes) -> new String(bytes, StandardCharsets.UTF_8));
		}

		/**
		 * Keeps the text extracted from a document (PDF, Office), since its chunks' line
		 * numbers count lines of that text, not of the file's bytes.
		 * @param document the file
		 * @param text its extracted text
		 */
		public void keepText(Document document, String text) {
			this.blobs.put(BlobStore.textKey(this.source.tenant(), this.source.id(), document.contentHash()),
					text.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public void close() {
			if (this.snapshot != null) {
				this.snapshot.close();
			}
		}

	}

}
