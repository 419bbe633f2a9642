package dev.devassist.rag.search;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.web.ApiException;
import dev.devassist.rag.RagProperties;
import dev.devassist.rag.embedding.EmbeddingClient;
import dev.devassist.rag.embedding.EmbeddingException;
import dev.devassist.rag.embedding.Priority;
import dev.devassist.rag.index.ChunkIndex;
import dev.devassist.rag.index.IndexFilter;
import dev.devassist.rag.index.IndexHit;
import dev.devassist.rag.index.PathGlob;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpStatus;
import org.springframework.web.util.UriUtils;

/**
 * Answers searches: embeds the query, asks the index for dense and lexical candidates
 * within the caller's tenant, fuses them with {@link WeightedFusion}, keeps at most so
 * many hits per file and widens snippets on request. When the query cannot be embedded, a
 * hybrid search answers from the lexical retriever alone and says so.
 */
public final class HybridSearch {

	private static final Logger logger = LoggerFactory.getLogger(HybridSearch.class);

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

	private static final Pattern LANGUAGE = Pattern.compile("[a-z0-9+#-]{1,32}");

	private final ChunkIndex index;

	private final EmbeddingClient embeddings;

	private final RagProperties.Search properties;

	private final Map<SearchMode, Timer> latencies = new EnumMap<>(SearchMode.class);

	/**
	 * Wires the search.
	 * @param index the chunk index
	 * @param embeddings the query embedder
	 * @param properties ranking and limits
	 * @param registry where the latency histogram goes
	 */
	public HybridSearch(ChunkIndex index, EmbeddingClient embeddings, RagProperties.Search properties,
			MeterRegistry registry) {
		this.index = index;
		this.embeddings = embeddings;
		this.properties = properties;
		for (SearchMode mode : SearchMode.values()) {
			this.latencies.put(mode,
					Timer.builder("rag.search")
						.description("Searches answered, from the request to the ranked hits, query embedding included")
						.tag("mode", mode.name().toLowerCase(Locale.ROOT))
						.publishPercentileHistogram()
						.register(registry));
		}
	}

	/**
	 * Runs a search for a caller.
	 * @param request the search
	 * @param caller who asks; the search sees only their tenant
	 * @return the hits
	 * @throws ApiException (400) naming the field when the request is invalid
	 */
	public Mono<SearchResult> search(SearchRequest request, Caller caller) {
		Query query = validate(request, caller);
		long started = System.nanoTime();
		Mono<float[]> vector = (query.mode() == SearchMode.LEXICAL) ? Mono.empty()
				: this.embeddings.embed(List.of(query.text()), Priority.INTERACTIVE, caller.tenant())
					.map((vectors) -> vectors.get(0));
		return vector.map(Embedded::of)
			.onErrorResume(EmbeddingException.class, (ex) -> degrade(query, ex))
			.defaultIfEmpty(Embedded.none(null))
			.flatMap((embedded) -> Mono.fromCallable(() -> retrieve(query, embedded))
				.subscribeOn(Schedulers.boundedElastic()))
			.map((answer) -> result(query, answer, started));
	}

	private Mono<Embedded> degrade(Query query, EmbeddingException ex) {
		if (query.mode() == SearchMode.DENSE) {
			return Mono.error(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "embedding-unavailable",
					"Dense search needs the embedding model, which cannot be reached now: " + ex.getMessage(), null));
		}
		logger.debug("Answering a hybrid search from the lexical retriever alone: {}", ex.getMessage());
		return Mono.just(Embedded.none("The query could not be embedded, so only lexical matches are ranked."));
	}

	private Answer retrieve(Query query, Embedded embedded) {
		int candidates = Math.max(this.properties.candidates(), query.limit() * query.maxPerFile());
		List<IndexHit> dense = (embedded.vector() != null)
				? this.index.dense(query.filter(), embedded.vector(), candidates) : List.of();
		List<IndexHit> lexical = (query.mode() != SearchMode.DENSE)
				? this.index.lexical(query.filter(), query.text(), candidates) : List.of();
		SearchMode answered = (embedded.vector() == null) ? SearchMode.LEXICAL : query.mode();
		List<IndexHit> ranked = switch (answered) {
			case DENSE -> dense;
			case LEXICAL -> lexical;
			case HYBRID -> new WeightedFusion(query.denseWeight()).fuse(dense, lexical);
		};
		List<SearchHit> hits = new ArrayList<>(query.limit());
		Map<String, Integer> perFile = new HashMap<>();
		Map<String, FileText> files = new HashMap<>();
		for (IndexHit hit : ranked) {
			if (hits.size() == query.limit()) {
				break;
			}
			String file = hit.sourceId() + '\u0000' + hit.path();
			int taken = perFile.merge(file, 1, Integer::sum);
			if (taken <= query.maxPerFile()) {
				FileText text = (query.context() > 0)
						? files.computeIfAbsent(file, (key) -> fileText(query.filter().tenant(), hit)) : null;
				hits.add(cite(hit, query, text));
			}
		}
		return new Answer(answered, hits, embedded.degraded());
	}

	private SearchHit cite(IndexHit hit, Query query, @Nullable FileText file) {
		String snippet = hit.text();
		int first = hit.startLine();
		int last = hit.endLine();
		if (file != null) {
			Widened widened = widen(hit, query.context(), file);
			snippet = widened.text();
			first = widened.first();
			last = widened.last();
		}
		String link = "/api/sources/" + UriUtils.encodePathSegment(hit.sourceId(), "UTF-8") + "/files/"
				+ UriUtils.encodePath(hit.path(), "UTF-8") + "?start=" + hit.startLine() + "&end=" + hit.endLine();
		return new SearchHit(hit.sourceId(), hit.path(), hit.commit(), hit.startLine(), hit.endLine(), hit.symbol(),
				hit.language(), hit.score(), snippet, first, last, link);
	}

	/**
	 * A file's lines as its chunks hold them, read once per search however many of its
	 * hits are widened. Lines no chunk holds are blank ones.
	 */
	private FileText fileText(String tenant, IndexHit hit) {
		Map<Integer, String> lines = new HashMap<>();
		int lastLine = 0;
		for (IndexHit chunk : this.index.fileChunks(tenant, hit.sourceId(), hit.path())) {
			String[] text = chunk.text().split("\n", -1);
			for (int i = 0; i < text.length; i++) {
				lines.putIfAbsent(chunk.startLine() + i, text[i]);
			}
			lastLine = Math.max(lastLine, chunk.endLine());
		}
		return new FileText(lines, lastLine);
	}

	private static Widened widen(IndexHit hit, int context, FileText file) {
		int first = Math.max(1, hit.startLine() - context);
		int last = Math.min(Math.max(file.lastLine(), hit.endLine()), hit.endLine() + context);
		StringBuilder text = new StringBuilder();
		for (int line = first; line <= last; line++) {
			if (line > first) {
				text.append('\n');
			}
			text.append(file.lines().getOrDefault(line, ""));
		}
		return new Widened(text.toString(), first, last);
	}

	private SearchResult result(Query query, Answer answer, long started) {
		long nanos = System.nanoTime() - started;
		this.latencies.get(answer.mode()).record(nanos, TimeUnit.NANOSECONDS);
		return new SearchResult(query.text(), answer.mode(), answer.hits(), Duration.ofNanos(nanos).toMillis(),
				answer.degraded());
	}

	private Query validate(SearchRequest request, Caller caller) {
		String text = (request.query() != null) ? request.query().strip() : "";
		if (text.isEmpty()) {
			throw ApiException.invalid("query", "Field 'query' must be a non-empty text.");
		}
		if (text.length() > SearchRequest.MAX_QUERY_LENGTH) {
			throw ApiException.invalid("query",
					"Field 'query' may have at most " + SearchRequest.MAX_QUERY_LENGTH + " characters.");
		}
		int limit = bounded("limit", request.limit(), this.properties.defaultLimit(), 1, this.properties.maxLimit());
		int maxPerFile = bounded("maxPerFile", request.maxPerFile(), this.properties.maxPerFile(), 1, 100);
		int context = bounded("context", request.context(), 0, 0, SearchRequest.MAX_CONTEXT);
		double weight = (request.denseWeight() != null) ? request.denseWeight() : this.properties.denseWeight();
		if (!(weight >= 0 && weight <= 1)) {
			throw ApiException.invalid("denseWeight", "Field 'denseWeight' must lie between 0 and 1.");
		}
		PathGlob glob = null;
		if (request.path() != null) {
			try {
				glob = PathGlob.of(request.path());
			}
			catch (IllegalArgumentException ex) {
				throw ApiException.invalid("path", "Field 'path': " + ex.getMessage() + ".");
			}
		}
		Set<String> sources = strings("sources", request.sources(), IDENTIFIER);
		Set<String> languages = strings("languages", request.languages(), LANGUAGE);
		IndexFilter filter = new IndexFilter(caller.tenant(), sources, glob, languages);
		SearchMode mode = (request.mode() != null) ? request.mode() : SearchMode.HYBRID;
		return new Query(text, filter, mode, limit, maxPerFile, context, weight);
	}

	private static int bounded(String field, @Nullable Integer value, int fallback, int min, int max) {
		if (value == null) {
			return fallback;
		}
		if (value < min || value > max) {
			throw ApiException.invalid(field, "Field '" + field + "' must lie between " + min + " and " + max + ".");
		}
		return value;
	}

	private static Set<String> strings(String field, @Nullable List<String> values, Pattern allowed) {
		if (values == null) {
			return Set.of();
		}
		if (values.size() > 100) {
			throw ApiException.invalid(field, "Field '" + field + "' may list at most 100 values.");
		}
		for (String value : values) {
			if (value == null || !allowed.matcher(value).matches()) {
				throw ApiException.invalid(field, "Field '" + field + "' holds an invalid value: '" + value + "'.");
			}
		}
		return Set.copyOf(values);
	}

	private record Query(String text, IndexFilter filter, SearchMode mode, int limit, int maxPerFile, int context,
			double denseWeight) {
	}

	private record Embedded(float @Nullable [] vector, @Nullable String degraded) {

		static Embedded of(float[] vector) {
			return new Embedded(vector, null);
		}

		static Embedded none(@Nullable String degraded) {
			return new Embedded(null, degraded);
		}

	}

	private record Answer(SearchMode mode, List<SearchHit> hits, @Nullable String degraded) {
	}

	private record Widened(String text, int first, int last) {
	}

	private record FileText(Map<Integer, String> lines, int lastLine) {
	}

}
