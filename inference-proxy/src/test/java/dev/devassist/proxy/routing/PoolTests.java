package dev.devassist.proxy.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Pool}'s membership as discovery changes it.
 */
class PoolTests {

	private static final AdmissionLimits LIMITS = new AdmissionLimits(4, 16, Duration.ofSeconds(1), 1.0, 0.85, 0.6);

	private static final Health.OutlierSettings OUTLIER = new Health.OutlierSettings(3, Duration.ofSeconds(1),
			Duration.ofSeconds(30));

	@Test
	void aReplicaThatStaysKeepsItsIdAndItsRequestsInFlight() {
		Pool pool = pool();
		pool.updateBackends(urls("http://10.0.0.1:8000", "http://10.0.0.2:8000"));
		Backend staying = pool.backends().get(1);
		staying.acquire();

		pool.updateBackends(urls("http://10.0.0.2:8000", "http://10.0.0.3:8000"));

		assertThat(pool.backends()).contains(staying);
		assertThat(staying.id()).isEqualTo("p/1");
		assertThat(staying.outstanding()).isEqualTo(1);
	}

	@Test
	void aNewReplicaTakesTheLowestFreeNumber() {
		Pool pool = pool();
		pool.updateBackends(urls("http://10.0.0.1:8000", "http://10.0.0.2:8000", "http://10.0.0.3:8000"));

		pool.updateBackends(urls("http://10.0.0.2:8000", "http://10.0.0.3:8000", "http://10.0.0.9:8000"));

		assertThat(pool.backends()).extracting(Backend::id).containsExactly("p/1", "p/2", "p/0");
	}

	@Test
	void listenersHearWhoLeftAndWhoJoinedAndNothingWhenNothingChanged() {
		Pool pool = pool();
		pool.updateBackends(urls("http://10.0.0.1:8000"));
		List<String> heard = new ArrayList<>();
		pool.watch(new Pool.MembershipListener() {

			@Override
			public void added(Pool pool, Backend backend) {
				heard.add("+" + backend.baseUrl());
			}

			@Override
			public void removed(Pool pool, Backend backend) {
				heard.add("-" + backend.baseUrl());
			}

		});

		boolean unchanged = pool.updateBackends(urls("http://10.0.0.1:8000/"));
		pool.updateBackends(urls("http://10.0.0.2:8000"));

		assertThat(unchanged).isFalse();
		assertThat(heard).containsExactly("-http://10.0.0.1:8000", "+http://10.0.0.2:8000");
	}

	private static Pool pool() {
		return new Pool("p", "m", List.of(), List.of(), PolicyName.ROUND_ROBIN, null, Duration.ofSeconds(2), LIMITS,
				OUTLIER);
	}

	private static List<URI> urls(String... urls) {
		return Arrays.stream(urls).map(URI::create).toList();
	}

}
