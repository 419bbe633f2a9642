package dev.devassist.proxy.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a prompt to the replica that holds the longest run of its leading blocks, by
 * {@link PrefixIndex}, so the replica's prefix cache spares it the prefill: a
 * conversation's next turn goes where its history is, and a shared system prompt is
 * computed once per replica rather than once per request. Ties, and prompts no replica
 * has seen, go to the least busy replica. A load guard keeps a hot prefix from piling
 * onto one replica: when the preferred replica is far busier than the least busy one, the
 * least busy wins, and from then on holds the prefix too.
 */
final class PrefixAwarePolicy implements RoutingPolicy {

	private final PrefixIndex index;

	private final long maxAgeNanos;

	private final AtomicInteger turn = new AtomicInteger();

	PrefixAwarePolicy(PrefixIndex index, long maxAgeNanos) {
		this.index = index;
		this.maxAgeNanos = maxAgeNanos;
	}

	@Override
	public RoutingDecision choose(List<Backend> candidates, RouteRequest request) {
		String policy = PolicyName.PREFIX_AWARE.label();
		long now = System.nanoTime();
		int least = Load.leastLoaded(candidates, this.turn.getAndIncrement(), this.maxAgeNanos, now);
		long[] hashes = request.prefixHashes();
		if (hashes.length == 0) {
			return new RoutingDecision(candidates.get(least), policy, "no-prefix");
		}
		int[] matched = this.index.matches(hashes, candidates);
		int best = least;
		for (int i = 0; i < matched.length; i++) {
			if (matched[i] > matched[best] || (matched[i] == matched[best] && Load.of(candidates.get(i),
					this.maxAgeNanos, now) < Load.of(candidates.get(best), this.maxAgeNanos, now))) {
				best = i;
			}
		}
		String reason;
		if (matched[best] == 0) {
			best = least;
			reason = "no-match";
		}
		else if (Load.tooBusy(Load.of(candidates.get(best), this.maxAgeNanos, now),
				Load.of(candidates.get(least), this.maxAgeNanos, now))) {
			best = least;
			reason = "load-guard";
		}
		else {
			reason = "prefix-hit";
		}
		Backend chosen = candidates.get(best);
		this.index.record(hashes, chosen);
		return new RoutingDecision(chosen, policy, reason);
	}

}
