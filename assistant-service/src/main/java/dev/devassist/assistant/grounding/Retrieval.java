package dev.devassist.assistant.grounding;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a search found for a question, and how.
 *
 * @param query the query searched
 * @param passages the passages, best first, without duplicates
 * @param searchMode rag-service's retrievers: hybrid, or lexical when it degraded
 * @param tookMs the search's time, in milliseconds
 * @param cached whether the passages came from the cache
 * @param unavailable why there is no evidence at all (rag-service down), if so
 */
public record Retrieval(String query, List<Passage> passages, String searchMode, long tookMs, boolean cached,
		@Nullable String unavailable) {

	/**
	 * No evidence, because rag-service could not be asked.
	 * @param query the query
	 * @param reason why
	 * @param tookMs the time spent trying
	 * @return the empty retrieval
	 */
	public static Retrieval unavailable(String query, String reason, long tookMs) {
		return new Retrieval(query, List.of(), "none", tookMs, false, reason);
	}

}
