package dev.devassist.proxy.routing;

import java.util.List;

/**
 * Picks the replica that serves a request.
 */
interface RoutingPolicy {

	/**
	 * Picks one of the candidates.
	 * @param candidates the replicas that may serve, never empty
	 * @param request what is known of the request
	 * @return the pick and why
	 */
	RoutingDecision choose(List<Backend> candidates, RouteRequest request);

}
