package dev.devassist.rag.search;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A search, as a caller sends it to {@code POST /api/search}. Everything but the query is
 * optional.
 *
 * @param query what to look for, in prose or code
 * @param sources ids of the sources to search; all of the tenant's when absent
 * @param path a glob over paths, e.g. {@code src/**}{@code /*.java}
 * @param languages language ids to keep, e.g. {@code java}
 * @param limit how many hits
 * @param maxPerFile how many hits one file may give
 * @param context lines of surrounding text to add to each snippet
 * @param mode hybrid (default), dense or lexical
 * @param denseWeight overrides the configured fusion weight, 0 to 1, e.g. to evaluate it
 */
public record SearchRequest(@Nullable String query, @Nullable List<String> sources, @Nullable String path,
		@Nullable List<String> languages, @Nullable Integer limit, @Nullable Integer maxPerFile,
		@Nullable Integer context, @Nullable SearchMode mode, @Nullable Double denseWeight) {

	/** The longest query accepted, in characters. */
	public static final int MAX_QUERY_LENGTH = 2000;

	/** The most lines of context a hit may be widened by. */
	public static final int MAX_CONTEXT = 50;

	/**
	 * A plain query with every default.
	 * @param query the query
	 * @return the request
	 */
	public static SearchRequest of(String query) {
		return new SearchRequest(query, null, null, null, null, null, null, null, null);
	}

}
