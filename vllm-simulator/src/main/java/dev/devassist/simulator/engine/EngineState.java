package dev.devassist.simulator.engine;

/**
 * A snapshot of the engine's queues and KV cache.
 *
 * @param running sequences in the running batch
 * @param waiting sequences waiting to be scheduled
 * @param usedBlocks KV-cache blocks held by sequences
 * @param totalBlocks KV-cache capacity in blocks
 * @param cachedBlocks blocks indexed by the prefix cache, held or evictable
 */
public record EngineState(int running, int waiting, int usedBlocks, int totalBlocks, int cachedBlocks) {

	/** An idle engine with the given capacity. */
	static EngineState idle(int totalBlocks) {
		return new EngineState(0, 0, 0, totalBlocks, 0);
	}

	/**
	 * Fraction of the KV cache in use, from 0 to 1.
	 * @return the usage
	 */
	public double kvCacheUsage() {
		return (this.totalBlocks != 0) ? (double) this.usedBlocks / this.totalBlocks : 0;
	}

}
