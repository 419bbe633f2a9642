package dev.devassist.proxy.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A model's pool of replicas and the policy that spreads requests over them.
 */
public final class Pool {

	private final String name;

	private final String model;

	private final List<String> aliases;

	private final List<Backend> backends;

	private final RoutingPolicy policy;

	private final @Nullable String apiKey;

	/**
	 * Creates a pool.
	 * @param name the pool's name
	 * @param model the model its backends serve
	 * @param aliases other names for the model
	 * @param urls the backends' base URLs
	 * @param policy the routing policy
	 * @param apiKey the backends' bearer token, or null
	 * @param staleAfter age after which a replica's engine state no longer counts
	 */
	public Pool(String name, String model, List<String> aliases, List<URI> urls, PolicyName policy,
			@Nullable String apiKey, Duration staleAfter) {
		this.name = name;
		this.model = model;
		this.aliases = List.copyOf(aliases);
		List<Backend> backends = new ArrayList<>(urls.size());
		for (int i = 0; i < urls.size(); i++) {
			backends.add(new Backend(name + "/" + i, urls.get(i)));
		}
		this.backends = List.copyOf(backends);
		this.policy = switch (policy) {
			case ROUND_ROBIN -> new RoundRobinPolicy();
			case LEAST_OUTSTANDING -> new LeastOutstandingPolicy();
			case POWER_OF_TWO -> new PowerOfTwoPolicy(staleAfter.toNanos());
		};
		this.apiKey = apiKey;
	}

	public String name() {
		return this.name;
	}

	public String model() {
		return this.model;
	}

	public List<String> aliases() {
		return this.aliases;
	}

	public List<Backend> backends() {
		return this.backends;
	}

	public @Nullable String apiKey() {
		return this.apiKey;
	}

	/**
	 * Picks a replica, leaving out those already tried for this request.
	 * @param tried replicas that failed this request
	 * @return the decision, or null when no replica is left
	 */
	public @Nullable RoutingDecision choose(Set<Backend> tried) {
		List<Backend> candidates = tried.isEmpty() ? this.backends
				: this.backends.stream().filter((backend) -> !tried.contains(backend)).toList();
		if (candidates.isEmpty()) {
			return null;
		}
		RoutingDecision decision = this.policy.choose(candidates);
		return tried.isEmpty() ? decision
				: new RoutingDecision(decision.backend(), decision.policy(), "retry-elsewhere");
	}

}
