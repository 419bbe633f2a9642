package dev.devassist.rag.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.RegexpQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.automaton.RegExp;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded index: a Lucene index on local disk, with HNSW vectors for dense search
 * and BM25 over {@link CodeAnalyzer} tokens for lexical search. The embedding space it
 * was built with is kept in its commit data and checked at every open.
 */
public final class LuceneChunkIndex implements ChunkIndex {

	static final String MODEL_KEY = "devassist.embedding.model";

	static final String DIMENSION_KEY = "devassist.embedding.dimension";

	private static final int MAX_QUERY_TERMS = 64;

	private static final String ID = "id";

	private static final String TENANT = "tenant";

	private static final String SOURCE = "source";

	private static final String SOURCE_KEY = "source_key";

	private static final String FILE_KEY = "file_key";

	private static final String PATH = "path";

	private static final String PATH_WORDS = "path_words";

	private static final String COMMIT = "commit";

	private static final String LANGUAGE = "language";

	private static final String SYMBOL = "symbol";

	private static final String SYMBOL_WORDS = "symbol_words";

	private static final String START = "start";

	private static final String END = "end";

	private static final String TEXT = "text";

	private static final String VECTOR = "vector";

	private static final Logger logger = LoggerFactory.getLogger(LuceneChunkIndex.class);

	private final EmbeddingSpace space;

	private final Directory directory;

	private final Analyzer analyzer = new CodeAnalyzer();

	private final IndexWriter writer;

	private final SearcherManager searchers;

	/**
	 * Runs every write. Lucene's file channels close when the thread using them is
	 * interrupted, and a writer that loses one closes for good; callers' threads are
	 * interrupted whenever a Reactor task they run on is cancelled, so no caller's thread
	 * ever touches the writer itself.
	 */
	private final ExecutorService writes = Executors
		.newSingleThreadExecutor(Thread.ofPlatform().name("lucene-writer").daemon().factory());

	private LuceneChunkIndex(EmbeddingSpace space, Directory directory) throws IOException {
		this.space = space;
		this.directory = directory;
		IndexWriterConfig config = new IndexWriterConfig(this.analyzer);
		config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
		config.setRAMBufferSizeMB(64);
		this.writer = new IndexWriter(directory, config);
		this.writer.setLiveCommitData(
				Map.of(MODEL_KEY, space.model(), DIMENSION_KEY, String.valueOf(space.dimension())).entrySet());
		this.writer.commit();
		this.searchers = new SearcherManager(this.writer, null);
	}

	/**
	 * Opens the index in a directory, creating it when absent.
	 * @param path the directory
	 * @param space the embedding space it must hold
	 * @return the open index
	 * @throws IndexMismatchException when the directory holds an index of another space
	 */
	public static LuceneChunkIndex open(Path path, EmbeddingSpace space) {
		try {
			Directory directory = FSDirectory.open(path);
			try {
				checkSpace(directory, space, path);
				return new LuceneChunkIndex(space, directory);
			}
			catch (RuntimeException | IOException ex) {
				directory.close();
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the Lucene index at " + path + ": " + ex.getMessage(), ex);
		}
	}

	private static void checkSpace(Directory directory, EmbeddingSpace space, Path path) throws IOException {
		if (!DirectoryReader.indexExists(directory)) {
			return;
		}
		Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
		String model = data.get(MODEL_KEY);
		String dimension = data.get(DIMENSION_KEY);
		if (model == null || dimension == null) {
			return;
		}
		if (!model.equals(space.model()) || !dimension.equals(String.valueOf(space.dimension()))) {
			throw new IndexMismatchException("The index at " + path + " was built with embedding model '" + model
					+ "' (dimension " + dimension + "), but '" + space.model() + "' (dimension " + space.dimension()
					+ ") is configured. Configure the model it was built with, or re-index into a new directory.");
		}
	}

	@Override
	public EmbeddingSpace space() {
		return this.space;
	}

	@Override
	public void put(List<IndexedFile> files) {
		for (IndexedFile file : files) {
			for (IndexedChunk chunk : file.chunks()) {
				checkDimension(chunk.vector());
			}
		}
		List<List<Document>> documents = new ArrayList<>(files.size());
		for (IndexedFile file : files) {
			List<Document> ofFile = new ArrayList<>(file.chunks().size());
			for (IndexedChunk chunk : file.chunks()) {
				ofFile.add(document(file, chunk));
			}
			documents.add(ofFile);
		}
		write("write to", () -> {
			for (int i = 0; i < files.size(); i++) {
				IndexedFile file = files.get(i);
				this.writer.updateDocuments(new Term(FILE_KEY, fileKey(file.tenant(), file.sourceId(), file.path())),
						documents.get(i));
			}
			commit();
		});
	}

	@Override
	public void deleteFile(String tenant, String sourceId, String path) {
		delete(new Term(FILE_KEY, fileKey(tenant, sourceId, path)));
	}

	@Override
	public void deleteSource(String tenant, String sourceId) {
		delete(new Term(SOURCE_KEY, sourceKey(tenant, sourceId)));
	}

	@Override
	public List<IndexHit> dense(IndexFilter filter, float[] vector, int limit) {
		checkDimension(vector);
		return search(new KnnFloatVectorQuery(VECTOR, unit(vector), limit, filterQuery(filter)), limit);
	}

	@Override
	public List<IndexHit> lexical(IndexFilter filter, String text, int limit) {
		Map<String, Integer> terms = terms(text);
		if (terms.isEmpty()) {
			return List.of();
		}
		BooleanQuery.Builder words = new BooleanQuery.Builder();
		for (Map.Entry<String, Integer> term : terms.entrySet()) {
			words.add(boosted(new TermQuery(new Term(TEXT, term.getKey())), term.getValue()), Occur.SHOULD);
			words.add(boosted(new TermQuery(new Term(SYMBOL_WORDS, term.getKey())), 0.5f * term.getValue()),
					Occur.SHOULD);
			words.add(boosted(new TermQuery(new Term(PATH_WORDS, term.getKey())), 0.3f * term.getValue()),
					Occur.SHOULD);
		}
		Query query = new BooleanQuery.Builder().add(words.build(), Occur.MUST)
			.add(filterQuery(filter), Occur.FILTER)
			.build();
		return search(query, limit);
	}

	@Override
	public List<IndexHit> fileChunks(String tenant, String sourceId, String path) {
		Query query = new TermQuery(new Term(FILE_KEY, fileKey(tenant, sourceId, path)));
		List<IndexHit> hits = new ArrayList<>(search(query, 10_000));
		hits.sort(Comparator.comparingInt(IndexHit::startLine));
		return List.copyOf(hits);
	}

	@Override
	public long count(@Nullable String tenant) {
		Query query = (tenant != null) ? new TermQuery(new Term(TENANT, tenant)) : new MatchAllDocsQuery();
		try {
			IndexSearcher searcher = this.searchers.acquire();
			try {
				return searcher.count(query);
			}
			finally {
				this.searchers.release(searcher);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot count the Lucene index: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Why the index can no longer be written, if it cannot: a write that failed in a way
	 * that left the writer closed. Only a restart reopens it.
	 * @return the failure, or {@code null} while the index is writable
	 */
	public @Nullable String writeFailure() {
		if (this.writer.isOpen()) {
			return null;
		}
		Throwable tragic = this.writer.getTragicException();
		return (tragic != null) ? "The index writer closed after a failed write: " + tragic
				: "The index writer is closed.";
	}

	@Override
	public void close() {
		this.writes.shutdown();
		try {
			if (!this.writes.awaitTermination(1, TimeUnit.MINUTES)) {
				logger.warn("A Lucene index write did not finish within a minute of closing the index.");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			this.searchers.close();
			this.writer.close();
			this.directory.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot close the Lucene index: " + ex.getMessage(), ex);
		}
	}

	private void checkDimension(float[] vector) {
		if (vector.length != this.space.dimension()) {
			throw new IndexMismatchException("A vector of dimension " + vector.length + " does not fit this index of '"
					+ this.space.model() + "', dimension " + this.space.dimension());
		}
	}

	private Document document(IndexedFile file, IndexedChunk chunk) {
		Document document = new Document();
		document.add(new StringField(ID, ChunkIds.of(file, chunk), Field.Store.YES));
		document.add(new StringField(TENANT, file.tenant(), Field.Store.NO));
		document.add(new StringField(SOURCE, file.sourceId(), Field.Store.YES));
		document.add(new StringField(SOURCE_KEY, sourceKey(file.tenant(), file.sourceId()), Field.Store.NO));
		document.add(new StringField(FILE_KEY, fileKey(file.tenant(), file.sourceId(), file.path()), Field.Store.NO));
		document.add(new StringField(PATH, file.path(), Field.Store.YES));
		document.add(new TextField(PATH_WORDS, file.path(), Field.Store.NO));
		document.add(new StoredField(COMMIT, file.commit()));
		document.add(new StringField(LANGUAGE, chunk.language(), Field.Store.YES));
		if (chunk.symbol() != null) {
			document.add(new StoredField(SYMBOL, chunk.symbol()));
			document.add(new TextField(SYMBOL_WORDS, chunk.symbol(), Field.Store.NO));
		}
		document.add(new StoredField(START, chunk.startLine()));
		document.add(new StoredField(END, chunk.endLine()));
		document.add(new TextField(TEXT, chunk.text(), Field.Store.YES));
		document.add(new KnnFloatVectorField(VECTOR, unit(chunk.vector()), VectorSimilarityFunction.DOT_PRODUCT));
		return document;
	}

	private List<IndexHit> search(Query query, int limit) {
		try {
			IndexSearcher searcher = this.searchers.acquire();
			try {
				TopDocs top = searcher.search(query, Math.max(limit, 1));
				StoredFields stored = searcher.storedFields();
				List<IndexHit> hits = new ArrayList<>(top.scoreDocs.length);
				for (ScoreDoc scored : top.scoreDocs) {
					hits.add(hit(stored.document(scored.doc), scored.score));
				}
				return hits;
			}
			finally {
				this.searchers.release(searcher);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot search the Lucene index: " + ex.getMessage(), ex);
		}
	}

	private static IndexHit hit(Document document, float score) {
		return new IndexHit(document.get(ID), document.get(SOURCE), document.get(PATH), document.get(COMMIT),
				document.getField(START).numericValue().intValue(), document.getField(END).numericValue().intValue(),
				document.get(SYMBOL), document.get(LANGUAGE), document.get(TEXT), score);
	}

	private Query filterQuery(IndexFilter filter) {
		BooleanQuery.Builder query = new BooleanQuery.Builder();
		query.add(new TermQuery(new Term(TENANT, filter.tenant())), Occur.FILTER);
		if (!filter.sourceIds().isEmpty()) {
			query.add(new TermInSetQuery(SOURCE, bytes(filter.sourceIds())), Occur.FILTER);
		}
		if (!filter.languages().isEmpty()) {
			query.add(new TermInSetQuery(LANGUAGE, bytes(filter.languages())), Occur.FILTER);
		}
		if (filter.pathGlob() != null) {
			query.add(new RegexpQuery(new Term(PATH, filter.pathGlob().expression()), RegExp.NONE), Occur.FILTER);
		}
		return query.build();
	}

	private Map<String, Integer> terms(String text) {
		return CodeAnalyzer.termCounts(text, MAX_QUERY_TERMS);
	}

	private void delete(Term term) {
		write("delete from", () -> {
			this.writer.deleteDocuments(term);
			commit();
		});
	}

	private void commit() throws IOException {
		this.writer.commit();
		this.searchers.maybeRefreshBlocking();
	}

	/**
	 * Runs a write on the writer thread and waits for it, through any interrupt of the
	 * caller, so the caller always learns how it ended; the interrupt is kept for it.
	 */
	private void write(String action, IoWork work) {
		Future<?> done;
		try {
			done = this.writes.submit(() -> {
				work.run();
				return null;
			});
		}
		catch (RejectedExecutionException ex) {
			throw new AlreadyClosedException("The Lucene index is closed.");
		}
		boolean interrupted = false;
		try {
			while (true) {
				try {
					done.get();
					return;
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					Throwable cause = ex.getCause();
					if (cause instanceof IOException io) {
						throw new UncheckedIOException("Cannot " + action + " the Lucene index: " + io.getMessage(),
								io);
					}
					if (cause instanceof RuntimeException runtime) {
						throw runtime;
					}
					throw new IllegalStateException("Cannot " + action + " the Lucene index: " + cause, cause);
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@FunctionalInterface
	private interface IoWork {

		void run() throws IOException;

	}

	private static Query boosted(Query query, float boost) {
		return (boost == 1f) ? query : new BoostQuery(query, boost);
	}

	private static List<BytesRef> bytes(Set<String> values) {
		return values.stream().map(BytesRef::new).toList();
	}

	private static String sourceKey(String tenant, String sourceId) {
		return tenant + '\u0000' + sourceId;
	}

	private static String fileKey(String tenant, String sourceId, String path) {
		return tenant + '\u0000' + sourceId + '\u0000' + path;
	}

	static float[] unit(float[] vector) {
		double norm = 0;
		for (float value : vector) {
			norm += value * value;
		}
		if (norm == 0 || Math.abs(norm - 1) < 1e-4) {
			return vector;
		}
		float scale = (float) (1 / Math.sqrt(norm));
		float[] unit = new float[vector.length];
		for (int i = 0; i < vector.length; i++) {
			unit[i] = vector[i] * scale;
		}
		return unit;
	}

}
