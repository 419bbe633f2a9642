package dev.devassist.proxy.routing;

import java.util.List;

/**
 * How busy a replica is, as the load-aware policies weigh it: the requests this proxy has
 * in flight there, plus, when the engine's report is fresh, its waiting queue, which
 * weighs more than its running batch since a queued request has not even started.
 */
final class Load {

	static final double WAITING_WEIGHT = 4;

	private Load() {
	}

	static double of(Backend backend, long maxAgeNanos, long now) {
		EngineState state = backend.engineState();
		double engine = (state != null && state.freshAt(maxAgeNanos, now)) ? state.waiting() * WAITING_WEIGHT : 0;
		return engine + backend.outstanding();
	}

	/**
	 * The least busy candidate, starting the scan at {@code start} so that ties rotate.
	 * @param candidates the replicas, never empty
	 * @param start where to start, from 0
	 * @param maxAgeNanos age after which engine state no longer counts
	 * @param now the current time
	 * @return the index of the least busy
	 */
	static int leastLoaded(List<Backend> candidates, int start, long maxAgeNanos, long now) {
		int size = candidates.size();
		int best = Math.floorMod(start, size);
		double bestLoad = of(candidates.get(best), maxAgeNanos, now);
		for (int i = 1; i < size; i++) {
			int index = (best + i) % size;
			double load = of(candidates.get(index), maxAgeNanos, now);
			if (load < bestLoad) {
				best = index;
				bestLoad = load;
			}
		}
		return best;
	}

	/**
	 * Whether the replica a policy prefers is so much busier than the least busy one that
	 * the preference would cost more than it saves: more than twice as busy, plus a few
	 * requests of slack so that an idle pool never trips it.
	 * @param preferred the preferred replica's load
	 * @param least the least busy replica's load
	 * @return true when the policy should fall back to the least busy
	 */
	static boolean tooBusy(double preferred, double least) {
		return preferred > 2 * least + 4;
	}

}
