package dev.devassist.simulator;

import java.time.Duration;

import dev.devassist.simulator.engine.LatencyModel;

/**
 * Named latency models for the engine.
 */
public enum LatencyProfile {

	/** Steps take no time: for tests and for benchmarks of whatever sits in front. */
	FAST(LatencyModel.ZERO),

	/**
	 * Llama 3.1 8B in BF16 on one H100 SXM. The base step is the decode floor of reading
	 * 16 GB of weights at the H100's 3.35 TB/s (4.8 ms, NVIDIA's H100 datasheet) plus
	 * scheduling and sampling; a prefill token costs its 16 GFLOP at about 55% of the 989
	 * TFLOP/s of dense BF16. The cost per sequence makes a full batch of 256 decode at
	 * about 27 ms a token, near the median TPOT of 25.6 ms that Lambda Labs published for
	 * vLLM 0.6.0 with Llama 3.1 8B on one H100 at max-num-seqs 256
	 * (LambdaLabsML/vllm-benchmark, benchmark_v0.md, September 2024); at ten concurrent
	 * requests it gives about 7.3 ms, against their median TPOT of 7.56 ms.
	 */
	H100_LLAMA_3_1_8B(
			new LatencyModel(Duration.ofNanos(6_500_000), Duration.ofNanos(30_000), Duration.ofNanos(80_000)));

	private final LatencyModel model;

	LatencyProfile(LatencyModel model) {
		this.model = model;
	}

	public LatencyModel model() {
		return this.model;
	}

}
