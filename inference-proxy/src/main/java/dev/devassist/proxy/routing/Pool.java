package dev.devassist.proxy.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * A model's pool of replicas, the policy that spreads requests over them, and the
 * admission queue in front of them.
 */
public final class Pool {

	private final String name;

	private final String model;

	private final List<String> aliases;

	private volatile List<Backend> backends;

	private final Health.OutlierSettings outlier;

	private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

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
	 * @param urls the backends' base URLs; empty when they are discovered later
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
		this.outlier = outlier;
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

	/**
	 * The replicas now in the pool.
	 * @return an immutable snapshot
	 */
	public List<Backend> backends() {
		return this.backends;
	}

	/**
	 * Makes the pool's replicas those at the given URLs, as discovery found them: a
	 * replica that stays keeps its state, its requests in flight and its id; a new one
	 * takes the lowest free number; a removed one gets no further requests, and those it
	 * holds finish.
	 * @param urls the replicas' base URLs
	 * @return whether the membership changed
	 */
	public synchronized boolean updateBackends(List<URI> urls) {
		List<Backend> current = this.backends;
		Set<String> wanted = new LinkedHashSet<>();
		urls.forEach((url) -> wanted.add(Backend.baseUrl(url)));
		List<Backend> kept = new ArrayList<>();
		List<Backend> removed = new ArrayList<>();
		for (Backend backend : current) {
			(wanted.remove(backend.baseUrl()) ? kept : removed).add(backend);
		}
		if (removed.isEmpty() && wanted.isEmpty()) {
			return false;
		}
		List<Backend> added = new ArrayList<>();
		for (String url : wanted) {
			int index = lowestFreeIndex(kept, added);
			added.add(new Backend(this.name + "/" + index, index, URI.create(url), this.outlier));
		}
		List<Backend> next = new ArrayList<>(kept);
		next.addAll(added);
		this.backends = List.copyOf(next);
		for (MembershipListener listener : this.listeners) {
			removed.forEach((backend) -> listener.removed(this, backend));
			added.forEach((backend) -> listener.added(this, backend));
		}
		this.admission.pump();
		return true;
	}

	private static int lowestFreeIndex(List<Backend> kept, List<Backend> added) {
		int index = 0;
		while (holds(kept, index) || holds(added, index)) {
			index++;
		}
		return index;
	}

	private static boolean holds(List<Backend> backends, int index) {
		for (Backend backend : backends) {
			if (backend.index() == index) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Tells the listener of every replica that joins or leaves the pool from now on.
	 * @param listener the listener
	 */
	public void watch(MembershipListener listener) {
		this.listeners.add(listener);
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
	 * Hears of replicas joining and leaving a pool.
	 */
	public interface MembershipListener {

		/**
		 * A replica joined.
		 * @param pool the pool
		 * @param backend the replica
		 */
		void added(Pool pool, Backend backend);

		/**
		 * A replica left; requests it holds still finish.
		 * @param pool the pool
		 * @param backend the replica
		 */
		void removed(Pool pool, Backend backend);

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
