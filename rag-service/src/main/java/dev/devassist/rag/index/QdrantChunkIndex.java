package dev.devassist.rag.index;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import com.google.common.util.concurrent.ListenableFuture;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.WithPayloadSelectorFactory;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.KeywordIndexParams;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.PayloadIndexParams;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.Collections.SparseVectorConfig;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Collections.VectorParams;
import io.qdrant.client.grpc.Collections.VectorParamsMap;
import io.qdrant.client.grpc.Collections.VectorsConfig;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.PointsUpdateOperation;
import io.qdrant.client.grpc.Points.Query;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.Vector;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.matchKeywords;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.QueryFactory.nearest;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.VectorFactory.vector;
import static io.qdrant.client.VectorsFactory.namedVectors;

/**
 * The server index: a Qdrant collection per embedding model, each chunk a point with a
 * dense vector for dense search and a sparse vector of {@link CodeAnalyzer} term weights,
 * to which Qdrant applies IDF, for lexical search.
 * <p>
 * Dense and lexical search stay two Query API calls rather than one fused in Qdrant, so
 * that the service fuses them with the same weighted fusion, tuned once, whichever index
 * holds the chunks.
 */
public final class QdrantChunkIndex implements ChunkIndex {

	private static final Logger logger = LoggerFactory.getLogger(QdrantChunkIndex.class);

	private static final String COLLECTION_PREFIX = "devassist_chunks_";

	private static final String MODEL_KEY = "devassist.embedding.model";

	private static final String DENSE = "dense";

	private static final String LEXICAL = "lexical";

	private static final int MAX_QUERY_TERMS = 64;

	private static final int MAX_MODEL_NAME = 180;

	private static final int GLOB_OVERFETCH = 4;

	private static final int MAX_GLOB_FETCH = 1000;

	private static final int SCROLL_PAGE = 256;

	// BM25's term-frequency saturation; Qdrant's IDF modifier supplies the other factor.
	private static final float K1 = 1.2f;

	private static final float SYMBOL_WEIGHT = 0.5f;

	private static final float PATH_WEIGHT = 0.3f;

	private static final HashFunction TERM_HASH = Hashing.murmur3_32_fixed();

	private static final String TENANT = "tenant";

	private static final String SOURCE = "source_id";

	private static final String PATH = "path";

	private static final String LANGUAGE = "language";

	private static final String FILE_KEY = "file_key";

	private static final String COMMIT = "commit";

	private static final String SYMBOL = "symbol";

	private static final String START = "start_line";

	private static final String END = "end_line";

	private static final String TEXT = "text";

	private static final List<String> KEYWORD_FIELDS = List.of(TENANT, SOURCE, PATH, LANGUAGE, FILE_KEY);

	private final QdrantClient client;

	private final String collection;

	private final EmbeddingSpace space;

	private final Duration timeout;

	private QdrantChunkIndex(QdrantClient client, String collection, EmbeddingSpace space, Duration timeout) {
		this.client = client;
		this.collection = collection;
		this.space = space;
		this.timeout = timeout;
	}

	/**
	 * Connects to a Qdrant server over gRPC and opens the collection of an embedding
	 * space, creating it when absent.
	 * @param host the server's host
	 * @param port its gRPC port
	 * @param tls whether to speak TLS
	 * @param apiKey its API key, or {@code null} when it needs none
	 * @param timeout the longest one call may take
	 * @param space the embedding space the collection must hold
	 * @return the open index
	 * @throws IndexMismatchException when the collection holds another space
	 */
	public static QdrantChunkIndex connect(String host, int port, boolean tls, @Nullable String apiKey,
			Duration timeout, EmbeddingSpace space) {
		// The client's own version check would make an unbounded call; opening makes a
		// bounded one that fails with a clearer message.
		QdrantGrpcClient.Builder grpc = QdrantGrpcClient.newBuilder(host, port, tls, false).withTimeout(timeout);
		if (apiKey != null && !apiKey.isBlank()) {
			grpc.withApiKey(apiKey);
		}
		return open(new QdrantClient(grpc.build()), space, timeout);
	}

	/**
	 * Opens the collection of an embedding space, named after its model and dimension,
	 * creating it when absent.
	 * @param client the client, which the index owns from now on: it closes it when
	 * closed, or at once when opening fails
	 * @param space the embedding space the collection must hold
	 * @param timeout the longest one call may take
	 * @return the open index
	 * @throws IndexMismatchException when the collection holds another space
	 */
	public static QdrantChunkIndex open(QdrantClient client, EmbeddingSpace space, Duration timeout) {
		return open(client, collectionName(space), space, timeout);
	}

	static QdrantChunkIndex open(QdrantClient client, String collection, EmbeddingSpace space, Duration timeout) {
		try {
			QdrantChunkIndex index = new QdrantChunkIndex(client, collection, space, timeout);
			index.prepare();
			return index;
		}
		catch (RuntimeException ex) {
			client.close();
			throw ex;
		}
	}

	static String collectionName(EmbeddingSpace space) {
		String model = space.model().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
		if (model.length() > MAX_MODEL_NAME) {
			model = model.substring(0, MAX_MODEL_NAME);
		}
		return COLLECTION_PREFIX + (model.isEmpty() ? "model" : model) + "_" + space.dimension();
	}

	private void prepare() {
		boolean exists = await(this.client.collectionExistsAsync(this.collection, this.timeout), "look up");
		if (!exists) {
			create();
		}
		CollectionInfo info = await(this.client.getCollectionInfoAsync(this.collection, this.timeout), "describe");
		checkSpace(info);
		for (String field : KEYWORD_FIELDS) {
			if (!info.getPayloadSchemaMap().containsKey(field)) {
				createKeywordIndex(field);
			}
		}
		logger.info("Opened the Qdrant collection {} of embedding model '{}', dimension {}", this.collection,
				this.space.model(), this.space.dimension());
	}

	private void create() {
		VectorParams dense = VectorParams.newBuilder()
			.setSize(this.space.dimension())
			.setDistance(Distance.Cosine)
			.build();
		VectorsConfig vectors = VectorsConfig.newBuilder()
			.setParamsMap(VectorParamsMap.newBuilder().putMap(DENSE, dense))
			.build();
		SparseVectorParams lexical = SparseVectorParams.newBuilder().setModifier(Modifier.Idf).build();
		CreateCollection request = CreateCollection.newBuilder()
			.setCollectionName(this.collection)
			.setVectorsConfig(vectors)
			.setSparseVectorsConfig(SparseVectorConfig.newBuilder().putMap(LEXICAL, lexical))
			.putMetadata(MODEL_KEY, value(this.space.model()))
			.build();
		try {
			await(this.client.createCollectionAsync(request, this.timeout), "create");
			logger.info("Created the Qdrant collection {} for embedding model '{}'", this.collection,
					this.space.model());
		}
		catch (IllegalStateException ex) {
			// Another replica may have created it first; it is then checked as usual.
			if (!await(this.client.collectionExistsAsync(this.collection, this.timeout), "look up")) {
				throw ex;
			}
			logger.debug("The Qdrant collection {} was created concurrently; using it", this.collection);
		}
	}

	private void checkSpace(CollectionInfo info) {
		CollectionParams params = info.getConfig().getParams();
		VectorParams dense = params.getVectorsConfig().getParamsMap().getMapMap().get(DENSE);
		if (dense == null || !params.getSparseVectorsConfig().getMapMap().containsKey(LEXICAL)) {
			throw new IndexMismatchException("The Qdrant collection " + this.collection + " lacks the '" + DENSE
					+ "' or the '" + LEXICAL + "' vector, so DevAssist did not create it. Remove it, or configure "
					+ "another embedding model.");
		}

		// A server that keeps no collection metadata leaves only the dimension to check.
		Value model = info.getConfig().getMetadataMap().get(MODEL_KEY);
		String builtWith = (model != null && model.hasStringValue()) ? model.getStringValue() : null;
		boolean sameModel = builtWith == null || builtWith.equals(this.space.model());
		if (sameModel && dense.getSize() == this.space.dimension()) {
			return;
		}

		String was = (builtWith != null) ? "embedding model '" + builtWith + "' (dimension " + dense.getSize() + ")"
				: "vectors of dimension " + dense.getSize();
		throw new IndexMismatchException("The Qdrant collection " + this.collection + " was built with " + was
				+ ", but '" + this.space.model() + "' (dimension " + this.space.dimension()
				+ ") is configured. Configure the model it was built with, or re-index into a new collection.");
	}

	private void createKeywordIndex(String field) {
		// Marking the tenant lets Qdrant keep each tenant's points together on disk.
		PayloadIndexParams params = TENANT.equals(field) ? PayloadIndexParams.newBuilder()
			.setKeywordIndexParams(KeywordIndexParams.newBuilder().setIsTenant(true))
			.build() : null;
		await(this.client.createPayloadIndexAsync(this.collection, field, PayloadSchemaType.Keyword, params, true, null,
				this.timeout), "index the payload field " + field + " of");
	}

	@Override
	public EmbeddingSpace space() {
		return this.space;
	}

	@Override
	public void put(List<IndexedFile> files) {
		if (files.isEmpty()) {
			return;
		}
		for (IndexedFile file : files) {
			for (IndexedChunk chunk : file.chunks()) {
				checkDimension(chunk.vector());
			}
		}

		// One batch, applied in order: a file's old points go before its new ones
		// come, and a retry after a failure part-way replays it to the same end.
		List<PointsUpdateOperation> operations = new ArrayList<>(files.size() * 2);
		for (IndexedFile file : files) {
			operations.add(deleteOperation(fileFilter(file.tenant(), file.sourceId(), file.path())));
			if (!file.chunks().isEmpty()) {
				operations.add(upsertOperation(file));
			}
		}

		await(this.client.batchUpdateAsync(this.collection, operations, true, null, this.timeout),
				"write " + files.size() + " files to");
	}

	@Override
	public void deleteFile(String tenant, String sourceId, String path) {
		delete(fileFilter(tenant, sourceId, path), "delete a file from");
	}

	@Override
	public void deleteSource(String tenant, String sourceId) {
		Filter filter = Filter.newBuilder()
			.addMust(matchKeyword(TENANT, tenant))
			.addMust(matchKeyword(SOURCE, sourceId))
			.build();
		delete(filter, "delete a source from");
	}

	@Override
	public List<IndexHit> dense(IndexFilter filter, float[] vector, int limit) {
		checkDimension(vector);
		return search(filter, nearest(vector), DENSE, limit);
	}

	@Override
	public List<IndexHit> lexical(IndexFilter filter, String text, int limit) {
		SortedMap<Integer, Float> weights = new TreeMap<>();
		terms(text, MAX_QUERY_TERMS).forEach((term, count) -> weights.merge(index(term), (float) count, Float::sum));
		if (weights.isEmpty()) {
			return List.of();
		}

		Query query = nearest(List.copyOf(weights.values()), List.copyOf(weights.keySet()));
		List<IndexHit> hits = search(filter, query, LEXICAL, limit);

		// As in Lucene, a hit must share a word with the query, and one that shares none
		// scores 0 should a plain scan ever offer it.
		return hits.stream().filter((hit) -> hit.score() > 0).toList();
	}

	@Override
	public List<IndexHit> fileChunks(String tenant, String sourceId, String path) {
		ScrollPoints.Builder request = ScrollPoints.newBuilder()
			.setCollectionName(this.collection)
			.setFilter(fileFilter(tenant, sourceId, path))
			.setLimit(SCROLL_PAGE)
			.setWithPayload(WithPayloadSelectorFactory.enable(true));
		List<IndexHit> hits = new ArrayList<>();
		while (true) {
			ScrollResponse page = await(this.client.scrollAsync(request.build(), this.timeout), "read a file from");
			for (RetrievedPoint point : page.getResultList()) {
				hits.add(hit(point.getId(), point.getPayloadMap(), 0));
			}
			if (!page.hasNextPageOffset()) {
				break;
			}
			request.setOffset(page.getNextPageOffset());
		}

		hits.sort(Comparator.comparingInt(IndexHit::startLine));
		return List.copyOf(hits);
	}

	@Override
	public long count(@Nullable String tenant) {
		Filter filter = (tenant != null) ? Filter.newBuilder().addMust(matchKeyword(TENANT, tenant)).build() : null;
		return await(this.client.countAsync(this.collection, filter, true, this.timeout), "count the chunks of");
	}

	@Override
	public void close() {
		this.client.close();
	}

	private void checkDimension(float[] vector) {
		if (vector.length != this.space.dimension()) {
			throw new IndexMismatchException("A vector of dimension " + vector.length + " does not fit this index of '"
					+ this.space.model() + "', dimension " + this.space.dimension());
		}
	}

	private List<IndexHit> search(IndexFilter filter, Query query, String using, int limit) {
		int wanted = Math.max(limit, 1);
		PathGlob glob = filter.pathGlob();
		// Qdrant matches a keyword only whole, never by pattern, so a glob is
		// applied here, to a larger set of the best hits. A glob that few of them
		// match can leave fewer than the limit: that narrows the fusion's choice,
		// but never admits a wrong hit.
		int fetch = (glob != null) ? Math.max(wanted, Math.min(wanted * GLOB_OVERFETCH, MAX_GLOB_FETCH)) : wanted;
		QueryPoints request = QueryPoints.newBuilder()
			.setCollectionName(this.collection)
			.setQuery(query)
			.setUsing(using)
			.setFilter(payloadFilter(filter))
			.setLimit(fetch)
			.setWithPayload(WithPayloadSelectorFactory.enable(true))
			.build();

		List<ScoredPoint> points = await(this.client.queryAsync(request, this.timeout), "search");

		List<IndexHit> hits = new ArrayList<>(Math.min(points.size(), wanted));
		for (ScoredPoint point : points) {
			IndexHit hit = hit(point.getId(), point.getPayloadMap(), point.getScore());
			if (glob == null || glob.matches(hit.path())) {
				hits.add(hit);
			}
			if (hits.size() == wanted) {
				break;
			}
		}
		return hits;
	}

	private static Filter payloadFilter(IndexFilter filter) {
		Filter.Builder payload = Filter.newBuilder().addMust(matchKeyword(TENANT, filter.tenant()));
		if (!filter.sourceIds().isEmpty()) {
			payload.addMust(matchKeywords(SOURCE, List.copyOf(filter.sourceIds())));
		}
		if (!filter.languages().isEmpty()) {
			payload.addMust(matchKeywords(LANGUAGE, List.copyOf(filter.languages())));
		}
		return payload.build();
	}

	private static Filter fileFilter(String tenant, String sourceId, String path) {
		return Filter.newBuilder().addMust(matchKeyword(FILE_KEY, fileKey(tenant, sourceId, path))).build();
	}

	private void delete(Filter filter, String what) {
		DeletePoints request = DeletePoints.newBuilder()
			.setCollectionName(this.collection)
			.setWait(true)
			.setPoints(PointsSelector.newBuilder().setFilter(filter))
			.build();
		await(this.client.deleteAsync(request, this.timeout), what);
	}

	private static PointsUpdateOperation deleteOperation(Filter filter) {
		return PointsUpdateOperation.newBuilder()
			.setDeletePoints(PointsUpdateOperation.DeletePoints.newBuilder()
				.setPoints(PointsSelector.newBuilder().setFilter(filter)))
			.build();
	}

	private static PointsUpdateOperation upsertOperation(IndexedFile file) {
		PointsUpdateOperation.PointStructList.Builder points = PointsUpdateOperation.PointStructList.newBuilder();
		for (IndexedChunk chunk : file.chunks()) {
			points.addPoints(point(file, chunk));
		}
		return PointsUpdateOperation.newBuilder().setUpsert(points).build();
	}

	private static PointStruct point(IndexedFile file, IndexedChunk chunk) {
		Map<String, Vector> vectors = new HashMap<>();
		vectors.put(DENSE, vector(chunk.vector()));
		SortedMap<Integer, Float> weights = documentWeights(file.path(), chunk);
		// A point may lack a named vector: one without words is never a lexical hit.
		if (!weights.isEmpty()) {
			vectors.put(LEXICAL, vector(List.copyOf(weights.values()), List.copyOf(weights.keySet())));
		}
		Map<String, Value> payload = new HashMap<>();
		payload.put(TENANT, value(file.tenant()));
		payload.put(SOURCE, value(file.sourceId()));
		payload.put(PATH, value(file.path()));
		payload.put(FILE_KEY, value(fileKey(file.tenant(), file.sourceId(), file.path())));
		payload.put(COMMIT, value(file.commit()));
		payload.put(LANGUAGE, value(chunk.language()));
		if (chunk.symbol() != null) {
			payload.put(SYMBOL, value(chunk.symbol()));
		}
		payload.put(START, value(chunk.startLine()));
		payload.put(END, value(chunk.endLine()));
		payload.put(TEXT, value(chunk.text()));
		return PointStruct.newBuilder()
			.setId(id(UUID.fromString(ChunkIds.of(file, chunk))))
			.setVectors(namedVectors(vectors))
			.putAllPayload(payload)
			.build();
	}

	/**
	 * A chunk's sparse vector: its text's words, and its symbol's and path's at lower
	 * weights as Lucene boosts those fields, each saturated as BM25 does. Without a
	 * length norm: chunks are cut to similar sizes.
	 */
	static SortedMap<Integer, Float> documentWeights(String path, IndexedChunk chunk) {
		SortedMap<Integer, Float> weights = new TreeMap<>();
		addWeights(weights, chunk.text(), 1);
		if (chunk.symbol() != null) {
			addWeights(weights, chunk.symbol(), SYMBOL_WEIGHT);
		}
		addWeights(weights, path, PATH_WEIGHT);
		return weights;
	}

	private static void addWeights(SortedMap<Integer, Float> weights, String text, float weight) {
		for (Map.Entry<String, Integer> term : terms(text, Integer.MAX_VALUE).entrySet()) {
			int count = term.getValue();
			weights.merge(index(term.getKey()), weight * count * (K1 + 1) / (count + K1), Float::sum);
		}
	}

	/**
	 * A term's dimension in the sparse vectors. It must never change for a collection
	 * that holds vectors: queries would miss every term indexed before.
	 */
	static int index(String term) {
		return TERM_HASH.hashString(term, StandardCharsets.UTF_8).asInt() & 0x7fffffff;
	}

	static Map<String, Integer> terms(String text, int max) {
		return CodeAnalyzer.termCounts(text, max);
	}

	private static IndexHit hit(PointId id, Map<String, Value> payload, float score) {
		Value symbol = payload.get(SYMBOL);
		return new IndexHit(id.getUuid(), string(payload, SOURCE), string(payload, PATH), string(payload, COMMIT),
				(int) payload.get(START).getIntegerValue(), (int) payload.get(END).getIntegerValue(),
				(symbol != null) ? symbol.getStringValue() : null, string(payload, LANGUAGE), string(payload, TEXT),
				score);
	}

	private static String string(Map<String, Value> payload, String key) {
		Value value = payload.get(key);
		return (value != null) ? value.getStringValue() : "";
	}

	private static String fileKey(String tenant, String sourceId, String path) {
		return tenant + '\u0000' + sourceId + '\u0000' + path;
	}

	private <T> T await(ListenableFuture<T> call, String what) {
		String action = what + " the Qdrant collection " + this.collection;
		try {
			// The call has the same deadline; this bounds a client that lost it.
			return call.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			call.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting to " + action, ex);
		}
		catch (TimeoutException ex) {
			call.cancel(true);
			throw new IllegalStateException("Could not " + action + " within " + this.timeout, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IllegalStateException("Could not " + action + ": " + cause.getMessage(), cause);
		}
	}

}
