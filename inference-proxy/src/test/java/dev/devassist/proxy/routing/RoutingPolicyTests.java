package dev.devassist.proxy.routing;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the routing policies and {@link Pool}.
 */
class RoutingPolicyTests {

	private static final Health.OutlierSettings OUTLIER = Health.OutlierSettings.DEFAULTS;

	private static final Duration STALE_AFTER = Duration.ofSeconds(2);

	private static final RouteRequest ANY = RouteRequest.of(Priority.IDE);

	@Test
	void roundRobinVisitsEachReplicaInTurn() {
		Pool pool = pool(PolicyName.ROUND_ROBIN, 3);

		List<String> picks = IntStream.range(0, 6).mapToObj((i) -> route(pool).backend().id()).toList();

		assertThat(picks).containsExactly("p/0", "p/1", "p/2", "p/0", "p/1", "p/2");
	}

	@Test
	void leastOutstandingPicksTheLeastBusyReplica() {
		Pool pool = pool(PolicyName.LEAST_OUTSTANDING, 3);
		pool.backends().get(0).acquire();
		pool.backends().get(0).acquire();
		pool.backends().get(2).acquire();

		RoutingDecision decision = route(pool);

		assertThat(decision.backend().id()).isEqualTo("p/1");
		assertThat(decision.reason()).isEqualTo("least-loaded");
	}

	@Test
	void leastOutstandingSpreadsAnIdlePoolEvenly() {
		Pool pool = pool(PolicyName.LEAST_OUTSTANDING, 4);

		Map<String, Long> picks = IntStream.range(0, 400)
			.mapToObj((i) -> route(pool).backend().id())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

		assertThat(picks.values()).containsOnly(100L);
	}

	@Test
	void powerOfTwoSendsEveryPickAwayFromAReplicaWithALongQueue() {
		Pool pool = pool(PolicyName.POWER_OF_TWO, 2);
		long now = System.nanoTime();
		pool.backends().get(0).engineState(new EngineState(30, 10, 0.9, 0, 0, now));
		pool.backends().get(1).engineState(new EngineState(0, 10, 0.5, 0, 0, now));

		List<RoutingDecision> decisions = IntStream.range(0, 50).mapToObj((i) -> route(pool)).toList();

		assertThat(decisions).allSatisfy((decision) -> {
			assertThat(decision.backend().id()).isEqualTo("p/1");
			assertThat(decision.reason()).isEqualTo("engine-load");
		});
	}

	@Test
	void powerOfTwoFallsBackToRequestsInFlightWhenTheStateIsStale() {
		Pool pool = pool(PolicyName.POWER_OF_TWO, 2);
		long longAgo = System.nanoTime() - Duration.ofSeconds(10).toNanos();
		pool.backends().get(0).engineState(new EngineState(0, 0, 0, 0, 0, longAgo));
		pool.backends().get(1).engineState(new EngineState(50, 50, 1, 0, 0, longAgo));
		pool.backends().get(0).acquire();

		RoutingDecision decision = route(pool);

		assertThat(decision.backend().id()).isEqualTo("p/1");
		assertThat(decision.reason()).isEqualTo("stale-state");
	}

	@Test
	void aRetryLeavesOutTheReplicasAlreadyTried() {
		Pool pool = pool(PolicyName.ROUND_ROBIN, 2);
		Backend failed = pool.backends().get(0);

		RoutingDecision retry = pool.retry(ANY, Set.of(failed));
		RoutingDecision none = pool.retry(ANY, Set.copyOf(pool.backends()));

		assertThat(retry.backend().id()).isEqualTo("p/1");
		assertThat(retry.reason()).isEqualTo("retry-elsewhere");
		assertThat(none).isNull();
	}

	@Test
	void prefixAwareSendsAPromptWhereItsLeadingBlocksWent() {
		Pool pool = pool(PolicyName.PREFIX_AWARE, 4);
		RoutingDecision first = pool.route(prompt(1, 2, 3), Integer.MAX_VALUE);

		RoutingDecision longer = pool.route(prompt(1, 2, 3, 4, 5), Integer.MAX_VALUE);
		RoutingDecision other = pool.route(prompt(9, 8), Integer.MAX_VALUE);

		assertThat(first.reason()).isEqualTo("no-match");
		assertThat(longer.backend()).isEqualTo(first.backend());
		assertThat(longer.reason()).isEqualTo("prefix-hit");
		assertThat(other.backend()).isNotEqualTo(first.backend());
		assertThat(other.reason()).isEqualTo("no-match");
	}

	@Test
	void prefixAwarePrefersTheLongestMatchOverASharedBeginning() {
		Pool pool = pool(PolicyName.PREFIX_AWARE, 3);
		Backend shortHolder = pool.route(prompt(1, 2), Integer.MAX_VALUE).backend();
		Backend longHolder = pool.route(prompt(1, 2, 3, 4, 5, 6), Integer.MAX_VALUE).backend();
		for (int i = 0; i < 3; i++) {
			pool.release(longHolder);
			pool.release(shortHolder);
		}

		RoutingDecision next = pool.route(prompt(1, 2, 3, 4, 5, 6, 7), Integer.MAX_VALUE);

		assertThat(next.backend()).isEqualTo(longHolder);
	}

	@Test
	void prefixAwareLeavesAReplicaThatIsFarBusierThanTheRest() {
		Pool pool = pool(PolicyName.PREFIX_AWARE, 2);
		Backend holder = pool.route(prompt(1, 2, 3), Integer.MAX_VALUE).backend();
		for (int i = 0; i < 10; i++) {
			holder.acquire();
		}

		RoutingDecision decision = pool.route(prompt(1, 2, 3, 4), Integer.MAX_VALUE);

		assertThat(decision.backend()).isNotEqualTo(holder);
		assertThat(decision.reason()).isEqualTo("load-guard");
	}

	@Test
	void sessionAffinityKeepsASessionOnOneReplicaAndSpreadsSessions() {
		Pool pool = pool(PolicyName.SESSION_AFFINITY, 4);
		Map<String, Long> bySession = IntStream.range(0, 400)
			.mapToObj((i) -> new RouteRequest(Priority.IDE, "", "session-" + i, new long[0]))
			.map((request) -> pool.route(request, Integer.MAX_VALUE))
			.peek((decision) -> pool.release(decision.backend()))
			.collect(Collectors.groupingBy((decision) -> decision.backend().id(), Collectors.counting()));
		RouteRequest session = new RouteRequest(Priority.IDE, "", "alice", new long[0]);
		Set<String> alice = IntStream.range(0, 20).mapToObj((i) -> {
			RoutingDecision decision = pool.route(session, Integer.MAX_VALUE);
			pool.release(decision.backend());
			return decision.backend().id() + " " + decision.reason();
		}).collect(Collectors.toSet());

		assertThat(alice).hasSize(1).allSatisfy((pick) -> assertThat(pick).endsWith(" session"));
		assertThat(bySession).hasSize(4).allSatisfy((id, count) -> assertThat(count).isBetween(60L, 140L));
	}

	@Test
	void kvAwarePicksTheReplicaWithTheMostRoomInItsCache() {
		Pool pool = pool(PolicyName.KV_AWARE, 3);
		long now = System.nanoTime();
		pool.backends().get(0).engineState(new EngineState(0, 40, 0.95, 0, 0, now));
		pool.backends().get(1).engineState(new EngineState(0, 40, 0.30, 0, 0, now));
		pool.backends().get(2).engineState(new EngineState(3, 40, 0.25, 0, 0, now));

		RoutingDecision decision = route(pool);

		assertThat(decision.backend().id()).isEqualTo("p/1");
		assertThat(decision.reason()).isEqualTo("kv-score");
	}

	@Test
	void twoPoolsCannotClaimTheSameModelName() {
		Pool first = new Pool("a", "m", List.of("alias"), List.of(URI.create("http://a")), PolicyName.ROUND_ROBIN, null,
				STALE_AFTER, AdmissionLimits.UNLIMITED, OUTLIER);
		Pool second = new Pool("b", "alias", List.of(), List.of(URI.create("http://b")), PolicyName.ROUND_ROBIN, null,
				STALE_AFTER, AdmissionLimits.UNLIMITED, OUTLIER);

		assertThatIllegalArgumentException().isThrownBy(() -> new PoolRegistry(List.of(first, second)))
			.withMessageContaining("'alias' is claimed by pools 'a' and 'b'");
	}

	private static RouteRequest prompt(long... hashes) {
		return new RouteRequest(Priority.IDE, "", null, hashes);
	}

	private static RoutingDecision route(Pool pool) {
		return pool.route(ANY, Integer.MAX_VALUE);
	}

	private static Pool pool(PolicyName policy, int replicas) {
		List<URI> urls = IntStream.range(0, replicas).mapToObj((i) -> URI.create("http://replica-" + i)).toList();
		return new Pool("p", "model", List.of(), urls, policy, null, STALE_AFTER, AdmissionLimits.UNLIMITED, OUTLIER);
	}

}
