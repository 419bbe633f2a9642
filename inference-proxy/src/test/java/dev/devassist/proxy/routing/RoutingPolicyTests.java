package dev.devassist.proxy.routing;

import java.net.URI;
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

	@Test
	void roundRobinVisitsEachReplicaInTurn() {
		Pool pool = pool(PolicyName.ROUND_ROBIN, 3);

		List<String> picks = IntStream.range(0, 6).mapToObj((i) -> pool.choose(Set.of()).backend().id()).toList();

		assertThat(picks).containsExactly("p/0", "p/1", "p/2", "p/0", "p/1", "p/2");
	}

	@Test
	void leastOutstandingPicksTheLeastBusyReplica() {
		Pool pool = pool(PolicyName.LEAST_OUTSTANDING, 3);
		pool.backends().get(0).acquire();
		pool.backends().get(0).acquire();
		pool.backends().get(2).acquire();

		RoutingDecision decision = pool.choose(Set.of());

		assertThat(decision.backend().id()).isEqualTo("p/1");
		assertThat(decision.reason()).isEqualTo("least-loaded");
	}

	@Test
	void leastOutstandingSpreadsAnIdlePoolEvenly() {
		Pool pool = pool(PolicyName.LEAST_OUTSTANDING, 4);

		Map<String, Long> picks = IntStream.range(0, 400)
			.mapToObj((i) -> pool.choose(Set.of()).backend().id())
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));

		assertThat(picks.values()).containsOnly(100L);
	}

	@Test
	void aRetryLeavesOutTheReplicasAlreadyTried() {
		Pool pool = pool(PolicyName.ROUND_ROBIN, 2);
		Backend failed = pool.backends().get(0);

		RoutingDecision retry = pool.choose(Set.of(failed));
		RoutingDecision none = pool.choose(Set.copyOf(pool.backends()));

		assertThat(retry.backend().id()).isEqualTo("p/1");
		assertThat(retry.reason()).isEqualTo("retry-elsewhere");
		assertThat(none).isNull();
	}

	@Test
	void twoPoolsCannotClaimTheSameModelName() {
		Pool first = new Pool("a", "m", List.of("alias"), List.of(URI.create("http://a")), PolicyName.ROUND_ROBIN,
				null);
		Pool second = new Pool("b", "alias", List.of(), List.of(URI.create("http://b")), PolicyName.ROUND_ROBIN, null);

		assertThatIllegalArgumentException().isThrownBy(() -> new PoolRegistry(List.of(first, second)))
			.withMessageContaining("'alias' is claimed by pools 'a' and 'b'");
	}

	private static Pool pool(PolicyName policy, int replicas) {
		List<URI> urls = IntStream.range(0, replicas).mapToObj((i) -> URI.create("http://replica-" + i)).toList();
		return new Pool("p", "model", List.of(), urls, policy, null);
	}

}
