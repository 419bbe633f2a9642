package dev.devassist.proxy.routing;

/**
 * What a replica's vLLM engine last reported on {@code /metrics}.
 *
 * @param waiting requests in its waiting queue
 * @param running requests in its running batch
 * @param kvCacheUsage fraction of its KV cache in use, from 0 to 1
 * @param prefixQueries prefix-cache tokens queried, since it started
 * @param prefixHits prefix-cache tokens found, since it started
 * @param scrapedAtNanos when it was read, on {@link System#nanoTime()}
 */
public record EngineState(double waiting, double running, double kvCacheUsage, double prefixQueries, double prefixHits,
		long scrapedAtNanos) {

	/**
	 * Whether the state is recent enough to route on.
	 * @param maxAgeNanos the staleness limit
	 * @param nowNanos the current time
	 * @return true when fresh
	 */
	public boolean freshAt(long maxAgeNanos, long nowNanos) {
		return nowNanos - this.scrapedAtNanos <= maxAgeNanos;
	}

}
