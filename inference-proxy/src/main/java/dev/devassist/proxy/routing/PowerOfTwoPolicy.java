package dev.devassist.proxy.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices on engine load: two replicas drawn at random, and the less loaded
 * one wins. Load is what the replica's engine last reported (its waiting queue weighs
 * more than its running batch, since a queued request has not even started) plus the
 * requests this proxy has sent it since, which the report may not show yet. A replica
 * whose report is stale is judged by this proxy's requests alone. Sampling two rather
 * than scanning all keeps many proxies from piling onto the same replica between two
 * reports.
 */
final class PowerOfTwoPolicy implements RoutingPolicy {

	private static final double WAITING_WEIGHT = 4;

	private final long maxAgeNanos;

	PowerOfTwoPolicy(long maxAgeNanos) {
		this.maxAgeNanos = maxAgeNanos;
	}

	@Override
	public RoutingDecision choose(List<Backend> candidates, RouteRequest request) {
		String policy = PolicyName.POWER_OF_TWO.label();
		if (candidates.size() == 1) {
			return new RoutingDecision(candidates.getFirst(), policy, "only-candidate");
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int first = random.nextInt(candidates.size());
		int second = random.nextInt(candidates.size() - 1);
		if (second >= first) {
			second++;
		}
		long now = System.nanoTime();
		Backend a = candidates.get(first);
		Backend b = candidates.get(second);
		boolean fresh = fresh(a, now) && fresh(b, now);
		Backend winner = (load(a, fresh) <= load(b, fresh)) ? a : b;
		return new RoutingDecision(winner, policy, fresh ? "engine-load" : "stale-state");
	}

	private boolean fresh(Backend backend, long now) {
		EngineState state = backend.engineState();
		return state != null && state.freshAt(this.maxAgeNanos, now);
	}

	private static double load(Backend backend, boolean useEngineState) {
		EngineState state = backend.engineState();
		double engine = (useEngineState && state != null) ? state.waiting() * WAITING_WEIGHT + state.running() : 0;
		return engine + backend.outstanding();
	}

}
