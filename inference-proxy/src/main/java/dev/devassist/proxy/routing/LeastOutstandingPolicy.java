package dev.devassist.proxy.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each request to the replica with the fewest requests in flight from this proxy.
 * Ties go round the replicas in turn, so an idle pool still spreads its load.
 */
final class LeastOutstandingPolicy implements RoutingPolicy {

	private final AtomicInteger turn = new AtomicInteger();

	@Override
	public RoutingDecision choose(List<Backend> candidates, RouteRequest request) {
		int size = candidates.size();
		int start = Math.floorMod(this.turn.getAndIncrement(), size);
		Backend best = candidates.get(start);
		boolean tie = true;
		for (int i = 1; i < size; i++) {
			Backend candidate = candidates.get((start + i) % size);
			if (candidate.outstanding() < best.outstanding()) {
				best = candidate;
				tie = false;
			}
			else if (candidate.outstanding() > best.outstanding()) {
				tie = false;
			}
		}
		return new RoutingDecision(best, PolicyName.LEAST_OUTSTANDING.label(), tie ? "tie" : "least-loaded");
	}

}
