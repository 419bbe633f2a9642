package dev.devassist.simulator.engine;

/**
 * Chained hashes of a prompt's full token blocks, as vLLM's prefix cache keys them: a
 * block's hash covers its own tokens and, through its parent's hash, every token before
 * it. Two prompts share a block only when they share everything up to its end.
 */
public final class PrefixHashes {

	private PrefixHashes() {
	}

	/**
	 * Hashes each full block of the prompt; a trailing partial block is not cached.
	 * @param tokens the prompt's token ids
	 * @param blockSize tokens per block
	 * @return one hash per full block
	 */
	public static long[] of(int[] tokens, int blockSize) {
		long[] hashes = new long[tokens.length / blockSize];
		long parent = 0x6A09E667F3BCC908L;
		for (int block = 0; block < hashes.length; block++) {
			long hash = parent;
			for (int i = block * blockSize, end = i + blockSize; i < end; i++) {
				hash = mix(hash ^ tokens[i]);
			}
			hashes[block] = hash;
			parent = hash;
		}
		return hashes;
	}

	private static long mix(long value) {
		long z = value * 0x9E3779B97F4A7C15L;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

}
