package dev.devassist.proxy.routing;

import org.jspecify.annotations.Nullable;

/**
 * What the admission queue and the routing policies know of a request.
 *
 * @param priority its band, from {@code x-priority}
 * @param tenant its fairness key, from {@code x-tenant}; empty when absent
 * @param sessionKey what keeps a conversation on one replica: the {@code x-session-id}
 * header or the {@code user} field; null when neither is given
 * @param prefixHashes chained hashes of the prompt's leading blocks, shortest prefix
 * first; empty when the prompt is shorter than a block
 */
public record RouteRequest(Priority priority, String tenant, @Nullable String sessionKey, long[] prefixHashes) {

	private static final long[] NO_HASHES = {};

	/**
	 * A request with no tenant, session or prompt, for tests and retries.
	 * @param priority its band
	 * @return the request
	 */
	public static RouteRequest of(Priority priority) {
		return new RouteRequest(priority, "", null, NO_HASHES);
	}

}
