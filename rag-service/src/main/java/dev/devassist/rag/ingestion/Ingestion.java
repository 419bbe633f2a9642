package dev.devassist.rag.ingestion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

import dev.devassist.rag.chunking.Chunk;
import dev.devassist.rag.chunking.Chunker;
import dev.devassist.rag.embedding.EmbeddingClient;
import dev.devassist.rag.embedding.EmbeddingException;
import dev.devassist.rag.embedding.Priority;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.index.IndexedChunk;
import dev.devassist.rag.index.IndexedFile;
import dev.devassist.rag.source.Document;
import dev.devassist.rag.source.Source;
import dev.devassist.rag.source.SourceFiles;
import dev.devassist.rag.source.SourceRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * Runs one ingestion job: scans the source, removes what it no longer has, and streams
 * the changed files through extraction, chunking, embedding and indexing. Files flow in a
 * pipeline, so that the next files are read and chunked while earlier chunks are being
 * embedded, and several embedding calls are in flight so the model never waits on us.
 * Every step is idempotent: a file is written to the index whole, and only then recorded
 * as indexed, so a job that dies anywhere can simply run again.
 */
public final class Ingestion {

	private static final Logger logger = LoggerFactory.getLogger(Ingestion.class);

	private static final int EMBEDDING_CALLS_IN_FLIGHT = 3;

	private static final int FILES_PER_INDEX_WRITE = 64;

	private static final Duration PROGRESS_EVERY = Duration.ofMillis(500);

	private final SourceRepository sources;

	private final SourceFiles files;

	private final JobRepository jobs;

	private final TextExtraction extraction;

	private final Chunker chunker;

	private final EmbeddingClient embeddings;

	private final ChunkIndex index;

	private final int batchSize;

	private final Duration retryFor;

	private final Counter chunksIndexed;

	private final Counter filesIndexed;

	public Ingestion(SourceRepository sources, SourceFiles files, JobRepository jobs, TextExtraction extraction,
			Chunker chunker, EmbeddingClient embeddings, ChunkIndex index, int batchSize, Duration retryFor,
			MeterRegistry registry) {
		this.sources = sources;
		this.files = files;
		this.jobs = jobs;
		this.extraction = extraction;
		this.chunker = chunker;
		this.embeddings = embeddings;
		this.index = index;
		this.batchSize = batchSize;
		this.retryFor = retryFor;
		this.chunksIndexed = Counter.builder("rag.ingestion.chunks")
			.description("Chunks embedded and written to the index")
			.register(registry);
		this.filesIndexed = Counter.builder("rag.ingestion.files")
			.description("Files written to the index")
			.register(registry);
	}

	/**
	 * Runs a job to its end.
	 * @param job the job, as queued
	 * @return how it ended
	 */
	public Job.Status run(Job job) {
		Source source = this.sources.findById(job.sourceId()).orElse(null);
		if (source == null) {
			this.jobs.finished(job.id(), Job.Status.CANCELLED, "The source was deleted.");
			return Job.Status.CANCELLED;
		}
		this.jobs.started(job.id());
		this.sources.status(source.id(), Source.Status.INDEXING, null);
		Tracker tracker = new Tracker(job.id());
		try (SourceFiles.Changes changes = this.files.scan(source)) {
			remove(source, changes.deleted(), tracker);
			tracker.total(changes.pending().size());
			index(source, changes, tracker);
			tracker.flush();
			this.sources.indexed(source.id(), changes.commit());
			this.jobs.finished(job.id(), Job.Status.SUCCEEDED, null);
			logger.info("Ingestion job {} indexed {} files and skipped {} of source {}.", job.id(),
					tracker.progress().filesIndexed(), tracker.progress().filesSkipped(), source.id());
			return Job.Status.SUCCEEDED;
		}
		catch (CancellationException ex) {
			tracker.flush();
			this.sources.status(source.id(), Source.Status.PENDING,
					"The last ingestion job was cancelled; sync the source to finish indexing it.");
			this.jobs.finished(job.id(), Job.Status.CANCELLED, "Cancelled on request.");
			return Job.Status.CANCELLED;
		}
		catch (RuntimeException ex) {
			tracker.flush();
			String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
			logger.warn("Ingestion job {} of source {} failed: {}", job.id(), source.id(), reason);
			logger.debug("Ingestion job {} failed.", job.id(), ex);
			this.sources.status(source.id(), Source.Status.FAILED, reason);
			this.jobs.finished(job.id(), Job.Status.FAILED, reason);
			return Job.Status.FAILED;
		}
	}

	private void remove(Source source, List<String> deleted, Tracker tracker) {
		for (String path : deleted) {
			this.index.deleteFile(source.tenant(), source.id(), path);
			this.sources.deleteDocument(source.id(), path);
			tracker.deleted();
		}
	}

	private void index(Source source, SourceFiles.Changes changes, Tracker tracker) {
		Flux.fromIterable(changes.pending())
			.publishOn(Schedulers.boundedElastic(), 8)
			.map((document) -> prepare(source, changes, document, tracker))
			.concatMapIterable(Prepared::pieces, 64)
			.buffer(this.batchSize)
			.flatMapSequential((pieces) -> embed(source, pieces, tracker), EMBEDDING_CALLS_IN_FLIGHT)
			.concatMapIterable((pieces) -> completed(pieces, tracker))
			// Fair backpressure: a timer that fires while the previous batch is still
			// being
			// written must wait for demand, not fail the job with an overflow.
			.bufferTimeout(FILES_PER_INDEX_WRITE, Duration.ofSeconds(1), true)
			.concatMap((ready) -> Mono.fromRunnable(() -> write(source, changes.commit(), ready, tracker))
				.subscribeOn(Schedulers.boundedElastic()))
			.then()
			.block();
	}

	private Prepared prepare(Source source, SourceFiles.Changes changes, Document document, Tracker tracker) {
		tracker.checkCancelled();
		tracker.seen();
		boolean isDocument = TextExtraction.isDocument(document.path());
		String text = isDocument ? changes.keptText(document).orElse(null) : null;
		if (text == null) {
			byte[] bytes = changes.read(document).orElse(null);
			if (bytes == null) {
				return Prepared.skipped(document, "its content is missing from the store");
			}
			TextExtraction.Extracted extracted = this.extraction.extract(document.path(), bytes);
			if (extracted.text() == null) {
				return Prepared.skipped(document, extracted.skipped());
			}
			text = extracted.text();
			if (isDocument) {
				changes.keepText(document, text);
			}
		}
		String chunkPath = isDocument ? document.path() + ".txt" : document.path();
		List<Chunk> chunks = this.chunker.chunk(chunkPath, text);
		tracker.chunked();
		return new Prepared(document, chunks, new float[chunks.size()][], null);
	}

	private Mono<List<Piece>> embed(Source source, List<Piece> pieces, Tracker tracker) {
		List<String> texts = new ArrayList<>();
		for (Piece piece : pieces) {
			if (piece.chunk() >= 0) {
				texts.add(piece.file().chunks().get(piece.chunk()).text());
			}
		}
		if (texts.isEmpty()) {
			return Mono.just(pieces);
		}
		return this.embeddings.embed(texts, Priority.BATCH, source.tenant())
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(250))
				.maxBackoff(Duration.ofSeconds(10))
				.filter((ex) -> ex instanceof EmbeddingException embedding && embedding.isTransient()
						&& tracker.elapsedSinceProgress().compareTo(this.retryFor) < 0)
				.doBeforeRetry((signal) -> {
					// A job waiting for the proxy still ends at once when it is
					// cancelled.
					tracker.checkCancelled();
					logger.debug("Embedding call failed; retrying: {}", signal.failure().getMessage());
				}))
			.map((vectors) -> {
				int next = 0;
				for (Piece piece : pieces) {
					if (piece.chunk() >= 0) {
						piece.file().vectors()[piece.chunk()] = vectors.get(next++);
					}
				}
				tracker.embeddedChunks(texts.size());
				return pieces;
			});
	}

	private List<Prepared> completed(List<Piece> pieces, Tracker tracker) {
		List<Prepared> done = new ArrayList<>();
		for (Piece piece : pieces) {
			if (piece.last()) {
				if (piece.file().skipped() == null) {
					tracker.embeddedFile();
				}
				done.add(piece.file());
			}
		}
		return done;
	}

	private void write(Source source, @Nullable String commit, List<Prepared> ready, Tracker tracker) {
		List<IndexedFile> files = new ArrayList<>();
		for (Prepared prepared : ready) {
			if (prepared.skipped() == null) {
				files.add(indexed(source, commit, prepared));
			}
		}
		this.index.put(files);
		this.sources.inTransaction(() -> {
			for (Prepared prepared : ready) {
				Document document = prepared.document();
				if (prepared.skipped() != null) {
					this.sources.documentSkipped(source.id(), document.path(), document.contentHash(),
							prepared.skipped());
				}
				else {
					this.sources.documentIndexed(source.id(), document.path(), document.contentHash(),
							prepared.chunks().size());
				}
			}
		});
		for (Prepared prepared : ready) {
			if (prepared.skipped() != null) {
				tracker.skipped();
			}
			else {
				tracker.indexed();
				this.filesIndexed.increment();
				this.chunksIndexed.increment(prepared.chunks().size());
			}
		}
	}

	private static IndexedFile indexed(Source source, @Nullable String commit, Prepared prepared) {
		List<IndexedChunk> chunks = new ArrayList<>(prepared.chunks().size());
		for (int i = 0; i < prepared.chunks().size(); i++) {
			Chunk chunk = prepared.chunks().get(i);
			chunks.add(new IndexedChunk(chunk.startLine(), chunk.endLine(), chunk.symbol(),
					prepared.document().language(), chunk.text(), prepared.vectors()[i]));
		}
		String version = (commit != null) ? commit : prepared.document().contentHash();
		return new IndexedFile(source.tenant(), source.id(), prepared.document().path(), version,
				prepared.document().contentHash(), chunks);
	}

	/**
	 * A file read and chunked, waiting for its vectors.
	 *
	 * @param document the file
	 * @param chunks its chunks
	 * @param vectors their vectors, filled in as embedding calls return
	 * @param skipped why it is left out, if it is
	 */
	private record Prepared(Document document, List<Chunk> chunks, float[][] vectors, @Nullable String skipped) {

		static Prepared skipped(Document document, @Nullable String reason) {
			return new Prepared(document, List.of(), new float[0][], (reason != null) ? reason : "no text");
		}

		List<Piece> pieces() {
			if (this.chunks.isEmpty()) {
				return List.of(new Piece(this, -1, true));
			}
			List<Piece> pieces = new ArrayList<>(this.chunks.size());
			for (int i = 0; i < this.chunks.size(); i++) {
				pieces.add(new Piece(this, i, i == this.chunks.size() - 1));
			}
			return pieces;
		}

	}

	/**
	 * One chunk of a prepared file on its way to the embedding model; a file without
	 * chunks travels as one piece with no chunk, so it is still recorded.
	 */
	private record Piece(Prepared file, int chunk, boolean last) {
	}

	/**
	 * A job's counters, written to PostgreSQL at most twice a second.
	 */
	private final class Tracker {

		private final String jobId;

		private int total;

		private int seen;

		private int chunked;

		private int embedded;

		private int indexed;

		private int skipped;

		private int deleted;

		private int chunks;

		private long lastFlush;

		private long lastProgress = System.nanoTime();

		private long lastCancelCheck;

		Tracker(String jobId) {
			this.jobId = jobId;
		}

		synchronized void total(int files) {
			this.total = files;
			flush();
		}

		synchronized void seen() {
			this.seen++;
			maybeFlush();
		}

		synchronized void chunked() {
			this.chunked++;
		}

		synchronized void embeddedChunks(int count) {
			this.chunks += count;
			this.lastProgress = System.nanoTime();
		}

		synchronized void embeddedFile() {
			this.embedded++;
		}

		synchronized void indexed() {
			this.indexed++;
			maybeFlush();
		}

		synchronized void skipped() {
			this.skipped++;
			maybeFlush();
		}

		synchronized void deleted() {
			this.deleted++;
			maybeFlush();
		}

		synchronized Job.Progress progress() {
			return new Job.Progress(this.total, this.seen, this.chunked, this.embedded, this.indexed, this.skipped,
					this.deleted, this.chunks);
		}

		synchronized Duration elapsedSinceProgress() {
			return Duration.ofNanos(System.nanoTime() - this.lastProgress);
		}

		void checkCancelled() {
			long now = System.nanoTime();
			if (now - this.lastCancelCheck < TimeUnit.SECONDS.toNanos(1)) {
				return;
			}
			this.lastCancelCheck = now;
			if (Ingestion.this.jobs.cancelRequested(this.jobId)) {
				throw new CancellationException("Job " + this.jobId + " was cancelled");
			}
		}

		synchronized void flush() {
			this.lastFlush = System.nanoTime();
			Ingestion.this.jobs.progress(this.jobId, progress());
		}

		private void maybeFlush() {
			if (System.nanoTime() - this.lastFlush >= PROGRESS_EVERY.toNanos()) {
				flush();
			}
		}

	}

}
