package dev.devassist.proxy.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Scores each replica by the room left in its KV cache and its queue, as its engine last
 * reported them, and picks the best: a replica near a full cache is about to preempt
 * running sequences or hold new ones back. The score is the cache usage (0 to 1) plus a
 * tenth for each waiting request plus a fiftieth for each request this proxy has sent
 * since. Replicas whose reports are stale are judged by this proxy's requests alone.
 */
final class KvAwarePolicy implements RoutingPolicy {

	private final long maxAgeNanos;

	private final AtomicInteger turn = new AtomicInteger();

	KvAwarePolicy(long maxAgeNanos) {
		this.maxAgeNanos = maxAgeNanos;
	}

	@Override
	public RoutingDecision choose(List<Backend> candidates, RouteRequest request) {
		String policy = PolicyName.KV_AWARE.label();
		long now = System.nanoTime();
		boolean fresh = true;
		for (Backend candidate : candidates) {
			EngineState state = candidate.engineState();
			fresh &= state != null && state.freshAt(this.maxAgeNanos, now);
		}
		int size = candidates.size();
		int start = Math.floorMod(this.turn.getAndIncrement(), size);
		int best = start;
		double bestScore = Double.MAX_VALUE;
		for (int i = 0; i < size; i++) {
			int index = (start + i) % size;
			double score = score(candidates.get(index), fresh);
			if (score < bestScore) {
				best = index;
				bestScore = score;
			}
		}
		return new RoutingDecision(candidates.get(best), policy, fresh ? "kv-score" : "stale-state");
	}

	private static double score(Backend backend, boolean fresh) {
		EngineState state = backend.engineState();
		double engine = (fresh && state != null) ? state.kvCacheUsage() + state.waiting() * 0.1 : 0;
		return engine + backend.outstanding() * 0.02;
	}

}
