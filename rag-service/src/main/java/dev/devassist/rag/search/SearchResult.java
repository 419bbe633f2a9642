package dev.devassist.rag.search;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a search.
 *
 * @param query the query, as searched
 * @param mode the retrievers that answered; lexical when embedding failed in a hybrid
 * search
 * @param hits the hits, best first
 * @param tookMs the time spent, in milliseconds
 * @param degraded why the search fell back to fewer retrievers, if it did
 */
public record SearchResult(String query, SearchMode mode, List<SearchHit> hits, long tookMs,
		@Nullable String degraded) {
}
