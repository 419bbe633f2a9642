package dev.devassist.simulator.engine;

/**
 * The scheduler's limits, named as vLLM names them.
 *
 * @param maxNumSeqs most sequences in one running batch
 * @param maxNumBatchedTokens most tokens (prefill and decode) computed in one step
 * @param blockSize tokens in one KV-cache block
 * @param numBlocks KV-cache capacity in blocks
 * @param prefixCaching whether full prompt blocks are reused across requests
 */
public record EngineConfig(int maxNumSeqs, int maxNumBatchedTokens, int blockSize, int numBlocks,
		boolean prefixCaching) {

	public EngineConfig {
		requirePositive(maxNumSeqs, "maxNumSeqs");
		requirePositive(maxNumBatchedTokens, "maxNumBatchedTokens");
		requirePositive(blockSize, "blockSize");
		requirePositive(numBlocks, "numBlocks");
	}

	private static void requirePositive(int value, String name) {
		if (value <= 0) {
			throw new IllegalArgumentException(name + " must be positive, but was " + value);
		}
	}

}
