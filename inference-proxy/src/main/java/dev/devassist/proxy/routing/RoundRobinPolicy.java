package dev.devassist.proxy.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends each request to the next replica in turn.
 */
final class RoundRobinPolicy implements RoutingPolicy {

	private final AtomicInteger turn = new AtomicInteger();

	@Override
	public RoutingDecision choose(List<Backend> candidates, RouteRequest request) {
		Backend backend = candidates.get(Math.floorMod(this.turn.getAndIncrement(), candidates.size()));
		return new RoutingDecision(backend, PolicyName.ROUND_ROBIN.label(), "turn");
	}

}
