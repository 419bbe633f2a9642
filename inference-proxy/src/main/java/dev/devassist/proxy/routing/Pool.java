package dev.devassist.proxy.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A model's pool of replicas, the policy that spreads requests over them, and the
 * admission queue in front of them.
 */
public final class Pool {

	private final String name;

	private final String model;

	private final List<String> aliases;

	private final List<Backend> backends;

	private final RoutingPolicy policy;

	private final @Nullable String apiKey;

	private final Admission admission;

	private final boolean prefixAware;

	/**
	 * Prefix blocks a prefix-aware pool remembers: at about 60 tokens a block, some 12
	 * million tokens, more than the KV caches of many replicas hold, in about 20 MB.
	 */
	private static final int PREFIX_INDEX_BLOCKS = 200_000;

	/**
	 * Creates a pool.
	 * @param name the pool's name
	 * @param model the model its backends serve
	 * @param aliases other names for the model
	 * @param urls the backends' base URLs
	 * @param policy the routing policy
	 * @param apiKey the backends' bearer token, or null
	 * @param staleAfter age after which a replica's engine state no longer counts
	 * @param limits when requests queue and when they are refused
	 * @param outlier when a failing replica is taken out of service
	 */
	public Pool(String name, String model, List<String> aliases, List<URI> urls, PolicyName policy,
			@Nullable String apiKey, Duration staleAfter, AdmissionLimits limits, Health.OutlierSettings outlier) {
		this.name = name;
		this.model = model;
		this.aliases = List.copyOf(aliases);
		List<Backend> backends = new ArrayList<>(urls.size());
		for (int i = 0; i < urls.size(); i++) {
			backends.add(new Backend(name + "/" + i, i, urls.get(i), outlier));
		}
		this.backends = List.copyOf(backends);
		this.policy = switch (policy) {
			case ROUND_ROBIN -> new RoundRobinPolicy();
			case LEAST_OUTSTANDING -> new LeastOutstandingPolicy();
			case POWER_OF_TWO -> new PowerOfTwoPolicy(staleAfter.toNanos());
			case SESSION_AFFINITY -> new SessionAffinityPolicy(staleAfter.toNanos());
			case PREFIX_AWARE -> new PrefixAwarePolicy(new PrefixIndex(PREFIX_INDEX_BLOCKS), staleAfter.toNanos());
			case KV_AWARE -> new KvAwarePolicy(staleAfter.toNanos());
		};
		this.prefixAware = policy == PolicyName.PREFIX_AWARE;
		this.apiKey = apiKey;
		this.admission = new Admission(this, limits);
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
	 * Whether the policy routes on the prompt's prefix, so that the prompt must be
	 * hashed.
	 * @return true for {@code prefix-aware}
	 */
	public boolean routesOnPrefix() {
		return this.prefixAware;
	}

	public Admission admission() {
		return this.admission;
	}

	/**
	 * Picks a replica with fewer than {@code slotLimit} requests in flight and takes one
	 * of its slots. Called by {@link Admission} under its lock.
	 * @param request the request
	 * @param slotLimit the most requests a replica may hold for the request's band
	 * @return the decision, or null when no replica has room
	 */
	@Nullable RoutingDecision route(RouteRequest request, int slotLimit) {
		long now = System.nanoTime();
		List<Backend> candidates = this.backends;
		for (int i = 0; i < candidates.size(); i++) {
			Backend backend = candidates.get(i);
			if (backend.outstanding() >= slotLimit || !backend.health().admits(now)) {
				candidates = eligible(slotLimit, Set.of(), now);
				break;
			}
		}
		return candidates.isEmpty() ? null : take(this.policy.choose(candidates, request));
	}

	/**
	 * Whether every replica is out of service, so that waiting for one makes no sense.
	 * @return true when none admits a request
	 */
	boolean noneInService() {
		long now = System.nanoTime();
		for (Backend backend : this.backends) {
			if (backend.health().admits(now)) {
				return false;
			}
		}
		return true;
	}

	private List<Backend> eligible(int slotLimit, Set<Backend> tried, long now) {
		List<Backend> candidates = new ArrayList<>(this.backends.size());
		for (Backend backend : this.backends) {
			if (backend.outstanding() < slotLimit && backend.health().admits(now) && !tried.contains(backend)) {
				candidates.add(backend);
			}
		}
		return candidates;
	}

	private static RoutingDecision take(RoutingDecision decision) {
		decision.backend().acquire();
		decision.backend().health().chosen();
		return decision;
	}

	/**
	 * Picks another replica for a request whose first replica failed before answering,
	 * and takes one of its slots. A retry does not queue again: it has waited its turn,
	 * and a replica's slot limit yields to it.
	 * @param request the request
	 * @param tried replicas that failed this request
	 * @return the decision, or null when no replica is left
	 */
	public @Nullable RoutingDecision retry(RouteRequest request, Set<Backend> tried) {
		List<Backend> candidates = eligible(Integer.MAX_VALUE, tried, System.nanoTime());
		if (candidates.isEmpty()) {
			return null;
		}
		RoutingDecision decision = take(this.policy.choose(candidates, request));
		return new RoutingDecision(decision.backend(), decision.policy(), "retry-elsewhere");
	}

	/**
	 * Gives back a replica's slot and lets a waiting request have it.
	 * @param backend the replica
	 */
	public void release(Backend backend) {
		backend.release();
		this.admission.pump();
	}

}
