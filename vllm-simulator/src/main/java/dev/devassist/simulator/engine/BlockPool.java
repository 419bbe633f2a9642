package dev.devassist.simulator.engine;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The KV cache as a pool of blocks. A block is free, held by running sequences, or
 * cached: it holds a full prompt block under its chained hash, and stays reusable after
 * its last holder leaves until it is evicted, least recently released first. Confined to
 * the engine's thread.
 */
final class BlockPool {

	private final int total;

	private final boolean prefixCaching;

	private final Map<Long, CachedBlock> cached = new HashMap<>();

	private final LinkedHashMap<Long, CachedBlock> evictable = new LinkedHashMap<>();

	private int unassigned;

	BlockPool(int total, boolean prefixCaching) {
		this.total = total;
		this.prefixCaching = prefixCaching;
		this.unassigned = total;
	}

	int total() {
		return this.total;
	}

	int free() {
		return this.unassigned + this.evictable.size();
	}

	int used() {
		return this.total - free();
	}

	int cached() {
		return this.cached.size();
	}

	/**
	 * Counts the leading blocks of a prompt that the cache holds.
	 * @param hashes the prompt's chained block hashes
	 * @param limit most blocks to count
	 * @return blocks found, in order from the first
	 */
	int lookup(long[] hashes, int limit) {
		if (!this.prefixCaching) {
			return 0;
		}
		int hits = 0;
		while (hits < limit && hits < hashes.length && this.cached.containsKey(hashes[hits])) {
			hits++;
		}
		return hits;
	}

	/**
	 * Counts how many of the given cached blocks nobody holds now: acquiring them takes
	 * them out of the free count.
	 */
	int evictableAmong(long[] hashes, int count) {
		int evictableHits = 0;
		for (int i = 0; i < count; i++) {
			if (this.evictable.containsKey(hashes[i])) {
				evictableHits++;
			}
		}
		return evictableHits;
	}

	void acquire(long hash) {
		CachedBlock block = this.cached.get(hash);
		if (block == null) {
			throw new IllegalStateException("Block " + hash + " is not cached");
		}
		if (block.holders++ == 0) {
			this.evictable.remove(hash);
		}
	}

	/**
	 * Takes a free block, evicting the least recently released cached block when no block
	 * is unassigned.
	 * @return whether a block was taken
	 */
	boolean allocate() {
		if (this.unassigned > 0) {
			this.unassigned--;
			return true;
		}
		Iterator<CachedBlock> eldest = this.evictable.values().iterator();
		if (!eldest.hasNext()) {
			return false;
		}
		CachedBlock victim = eldest.next();
		eldest.remove();
		this.cached.remove(victim.hash);
		return true;
	}

	/**
	 * Turns a freshly computed block that the caller holds into a cached one. If another
	 * sequence cached the same block meanwhile, the caller shares that one and its own
	 * block goes back to the pool.
	 */
	void promote(long hash) {
		if (!this.prefixCaching) {
			throw new IllegalStateException("Prefix caching is disabled");
		}
		CachedBlock existing = this.cached.get(hash);
		if (existing == null) {
			this.cached.put(hash, new CachedBlock(hash));
			return;
		}
		acquire(hash);
		this.unassigned++;
	}

	void releaseCached(long hash) {
		CachedBlock block = this.cached.get(hash);
		if (block != null && --block.holders == 0) {
			this.evictable.put(hash, block);
		}
	}

	void releaseFresh(int count) {
		this.unassigned += count;
	}

	private static final class CachedBlock {

		private final long hash;

		private int holders = 1;

		private CachedBlock(long hash) {
			this.hash = hash;
		}

	}

}
