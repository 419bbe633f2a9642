package dev.devassist.proxy.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which replicas recently served which prompt prefixes: a bounded map from a prefix
 * block's chained hash to the set of replicas (a bit each) that computed it, evicting the
 * least recently used block first, much as each replica's own prefix cache does. It
 * tracks what this proxy sent, not what the replicas report, so it can be wrong after a
 * replica evicts or restarts; the price of a wrong guess is one prefill, as with any
 * other policy. Replicas beyond the 64th share bits with earlier ones.
 */
final class PrefixIndex {

	private final Map<Long, long[]> blocks;

	PrefixIndex(int maxBlocks) {
		this.blocks = new LinkedHashMap<>(1024, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<Long, long[]> eldest) {
				return size() > maxBlocks;
			}

		};
	}

	/**
	 * Counts, for each candidate, how many of the prompt's leading blocks it holds, in a
	 * row from the first.
	 * @param hashes the prompt's chained block hashes
	 * @param candidates the replicas
	 * @return matched block counts, indexed like {@code candidates}
	 */
	synchronized int[] matches(long[] hashes, List<Backend> candidates) {
		int[] matched = new int[candidates.size()];
		long alive = -1L;
		for (int block = 0; block < hashes.length && alive != 0; block++) {
			long[] holders = this.blocks.get(hashes[block]);
			long mask = (holders != null) ? holders[0] : 0;
			long stillAlive = 0;
			for (int i = 0; i < matched.length; i++) {
				long bit = bit(candidates.get(i));
				if ((alive & bit) != 0 && (mask & bit) != 0 && matched[i] == block) {
					matched[i]++;
					stillAlive |= bit;
				}
			}
			alive = stillAlive;
		}
		return matched;
	}

	/**
	 * Notes that a replica now holds the prompt's blocks.
	 * @param hashes the prompt's chained block hashes
	 * @param backend the replica it was sent to
	 */
	synchronized void record(long[] hashes, Backend backend) {
		long bit = bit(backend);
		for (long hash : hashes) {
			long[] holders = this.blocks.get(hash);
			if (holders == null) {
				this.blocks.put(hash, new long[] { bit });
			}
			else {
				holders[0] |= bit;
			}
		}
	}

	synchronized int size() {
		return this.blocks.size();
	}

	private static long bit(Backend backend) {
		return 1L << (backend.index() & 63);
	}

}
