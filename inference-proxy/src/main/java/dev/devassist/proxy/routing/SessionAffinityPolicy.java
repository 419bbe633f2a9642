package dev.devassist.proxy.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a session on one replica, by rendezvous hashing of the session key (the
 * {@code x-session-id} header or the {@code user} field) with each replica's id: the
 * replica with the highest hash wins, so when replicas come or go only the sessions of
 * those replicas move. A request without a key, or whose replica is far busier than the
 * least busy one, goes to the least busy.
 */
final class SessionAffinityPolicy implements RoutingPolicy {

	private final long maxAgeNanos;

	private final AtomicInteger turn = new AtomicInteger();

	SessionAffinityPolicy(long maxAgeNanos) {
		this.maxAgeNanos = maxAgeNanos;
	}

	@Override
	public RoutingDecision choose(List<Backend> candidates, RouteRequest request) {
		String policy = PolicyName.SESSION_AFFINITY.label();
		long now = System.nanoTime();
		int least = Load.leastLoaded(candidates, this.turn.getAndIncrement(), this.maxAgeNanos, now);
		String key = request.sessionKey();
		if (key == null) {
			return new RoutingDecision(candidates.get(least), policy, "no-session-key");
		}
		int keyHash = key.hashCode();
		int best = 0;
		long bestScore = Long.MIN_VALUE;
		for (int i = 0; i < candidates.size(); i++) {
			long score = mix(keyHash * 0x9E3779B97F4A7C15L + candidates.get(i).id().hashCode());
			if (score > bestScore) {
				best = i;
				bestScore = score;
			}
		}
		if (Load.tooBusy(Load.of(candidates.get(best), this.maxAgeNanos, now),
				Load.of(candidates.get(least), this.maxAgeNanos, now))) {
			return new RoutingDecision(candidates.get(least), policy, "load-guard");
		}
		return new RoutingDecision(candidates.get(best), policy, "session");
	}

	private static long mix(long value) {
		long z = value;
		z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
		z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
		return z ^ (z >>> 33);
	}

}
