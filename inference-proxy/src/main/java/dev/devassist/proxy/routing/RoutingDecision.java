package dev.devassist.proxy.routing;

/**
 * Which replica serves a request, and why.
 *
 * @param backend the replica
 * @param policy the policy that decided
 * @param reason why, as counted by {@code devassist_proxy_routing_decisions_total}
 */
public record RoutingDecision(Backend backend, String policy, String reason) {
}
