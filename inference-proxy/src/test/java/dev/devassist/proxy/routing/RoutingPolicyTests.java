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
	void twoPoolsCannotClaimTheSameModelName() {
		Pool first = new Pool("a", "m", List.of("alias"), List.of(URI.create("http://a")), PolicyName.ROUND_ROBIN, null,
				STALE_AFTER, AdmissionLimits.UNLIMITED);
		Pool second = new Pool("b", "alias", List.of(), List.of(URI.create("http://b")), PolicyName.ROUND_ROBIN, null,
				STALE_AFTER, AdmissionLimits.UNLIMITED);

		assertThatIllegalArgumentException().isThrownBy(() -> new PoolRegistry(List.of(first, second)))
			.withMessageContaining("'alias' is claimed by pools 'a' and 'b'");
	}

	private static RoutingDecision route(Pool pool) {
		return pool.route(ANY, Integer.MAX_VALUE);
	}

	private static Pool pool(PolicyName policy, int replicas) {
		List<URI> urls = IntStream.range(0, replicas).mapToObj((i) -> URI.create("http://replica-" + i)).toList();
		return new Pool("p", "model", List.of(), urls, policy, null, STALE_AFTER, AdmissionLimits.UNLIMITED);
	}

}
