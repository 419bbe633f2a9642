package dev.devassist.proxy.routing;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Admission}: when requests queue, in what order they leave, and when
 * they are refused.
 */
class AdmissionTests {

	private static final Health.OutlierSettings OUTLIER = Health.OutlierSettings.DEFAULTS;

	private static final Duration LONG = Duration.ofMinutes(1);

	@Test
	void aRequestGoesStraightToAReplicaWithRoom() {
		Pool pool = pool(2, 10, LONG);

		List<String> order = new ArrayList<>();
		admit(pool, Priority.IDE, "t", "first", order);
		admit(pool, Priority.IDE, "t", "second", order);

		assertThat(order).containsExactly("first", "second");
		assertThat(pool.admission().queued()).isZero();
		assertThat(pool.backends().getFirst().outstanding()).isEqualTo(2);
	}

	@Test
	void aFreedSlotGoesToTheHighestBandFirst() {
		Pool pool = pool(1, 10, LONG);
		List<String> order = new ArrayList<>();
		admit(pool, Priority.INTERACTIVE, "t", "running", order);
		admit(pool, Priority.BATCH, "t", "batch", order);
		admit(pool, Priority.IDE, "t", "ide", order);
		admit(pool, Priority.INTERACTIVE, "t", "interactive", order);
		assertThat(pool.admission().queued()).isEqualTo(3);

		releaseOne(pool);
		releaseOne(pool);
		releaseOne(pool);

		assertThat(order).containsExactly("running", "interactive", "ide", "batch");
		assertThat(pool.admission().queued()).isZero();
	}

	@Test
	void tenantsOfOneBandTakeTurns() {
		Pool pool = pool(1, 10, LONG);
		List<String> order = new ArrayList<>();
		admit(pool, Priority.IDE, "busy", "running", order);
		admit(pool, Priority.IDE, "busy", "busy-1", order);
		admit(pool, Priority.IDE, "busy", "busy-2", order);
		admit(pool, Priority.IDE, "busy", "busy-3", order);
		admit(pool, Priority.IDE, "quiet", "quiet-1", order);

		for (int i = 0; i < 4; i++) {
			releaseOne(pool);
		}

		assertThat(order).containsExactly("running", "busy-1", "quiet-1", "busy-2", "busy-3");
	}

	@Test
	void batchWorkFillsOnlyItsShareOfAReplica() {
		Pool pool = new Pool("p", "m", List.of(), List.of(URI.create("http://r")), PolicyName.LEAST_OUTSTANDING, null,
				Duration.ofSeconds(2), new AdmissionLimits(10, 100, LONG, 1, 0.8, 0.5), OUTLIER);
		List<String> order = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			admit(pool, Priority.BATCH, "t", "batch-" + i, order);
		}

		admit(pool, Priority.INTERACTIVE, "t", "interactive", order);

		assertThat(order).containsExactly("batch-0", "batch-1", "batch-2", "batch-3", "batch-4", "interactive");
		assertThat(pool.admission().queued(Priority.BATCH)).isEqualTo(3);
	}

	@Test
	void aFullQueueRefusesItsBandWithARetryAfter() {
		Pool pool = new Pool("p", "m", List.of(), List.of(URI.create("http://r")), PolicyName.LEAST_OUTSTANDING, null,
				Duration.ofSeconds(2), new AdmissionLimits(1, 4, LONG, 1, 1, 0.5), OUTLIER);
		List<String> order = new ArrayList<>();
		admit(pool, Priority.BATCH, "t", "running", order);
		admit(pool, Priority.BATCH, "t", "queued-1", order);
		admit(pool, Priority.BATCH, "t", "queued-2", order);

		AtomicReference<Throwable> refusal = new AtomicReference<>();
		pool.admission().admit(RouteRequest.of(Priority.BATCH)).subscribe((decision) -> {
		}, refusal::set);

		assertThat(refusal.get()).isInstanceOfSatisfying(Admission.Rejected.class, (rejected) -> {
			assertThat(rejected.reason()).isEqualTo("queue-full");
			assertThat(rejected.retryAfterSeconds()).isBetween(1L, 60L);
			assertThat(rejected.getMessage()).contains("batch");
		});
		assertThat(pool.admission().queued()).isEqualTo(2);
	}

	@Test
	void anInteractiveRequestTakesTheQueuedPlaceOfTheBusiestBatchTenant() {
		Pool pool = new Pool("p", "m", List.of(), List.of(URI.create("http://r")), PolicyName.LEAST_OUTSTANDING, null,
				Duration.ofSeconds(2), new AdmissionLimits(1, 3, LONG, 1, 1, 1), OUTLIER);
		List<String> order = new ArrayList<>();
		admit(pool, Priority.BATCH, "a", "running", order);
		AtomicReference<Throwable> evicted = new AtomicReference<>();
		pool.admission()
			.admit(new RouteRequest(Priority.BATCH, "b", null, new long[0]))
			.subscribe((decision) -> order.add("b-1"), evicted::set);
		admit(pool, Priority.BATCH, "a", "a-1", order);
		admit(pool, Priority.BATCH, "a", "a-2", order);
		AtomicReference<Throwable> newest = new AtomicReference<>();
		pool.admission().admit(new RouteRequest(Priority.BATCH, "a", null, new long[0])).subscribe((decision) -> {
		}, newest::set);

		admit(pool, Priority.INTERACTIVE, "c", "interactive", order);
		releaseOne(pool);

		assertThat(newest.get()).isInstanceOf(Admission.Rejected.class);
		assertThat(evicted.get()).isNull();
		assertThat(order).containsExactly("running", "a-2 refused", "interactive");
		assertThat(pool.admission().queued(Priority.BATCH)).isEqualTo(2);
	}

	@Test
	void aRequestThatWaitsTooLongIsRefusedAndLeavesTheQueue() {
		Pool pool = pool(1, 10, Duration.ofMillis(50));
		admit(pool, Priority.IDE, "t", "running", new ArrayList<>());

		Object refusal = pool.admission()
			.admit(RouteRequest.of(Priority.IDE))
			.map(Object.class::cast)
			.onErrorResume(Mono::just)
			.block(Duration.ofSeconds(5));

		assertThat(refusal).isInstanceOfSatisfying(Admission.Rejected.class,
				(rejected) -> assertThat(rejected.reason()).isEqualTo("queue-timeout"));
		assertThat(pool.admission().queued()).isZero();
	}

	@Test
	void aClientThatGivesUpLeavesTheQueueAndNoSlotIsLost() {
		Pool pool = pool(1, 10, LONG);
		List<String> order = new ArrayList<>();
		admit(pool, Priority.IDE, "t", "running", order);
		Disposable waiting = pool.admission().admit(RouteRequest.of(Priority.IDE)).subscribe();
		assertThat(pool.admission().queued()).isOne();

		waiting.dispose();
		releaseOne(pool);

		assertThat(pool.admission().queued()).isZero();
		assertThat(pool.backends().getFirst().outstanding()).isZero();
		admit(pool, Priority.IDE, "t", "next", order);
		assertThat(order).containsExactly("running", "next");
	}

	private static void admit(Pool pool, Priority priority, String tenant, String label, List<String> order) {
		pool.admission()
			.admit(new RouteRequest(priority, tenant, null, new long[0]))
			.subscribe((decision) -> order.add(label), (ex) -> order.add(label + " refused"));
	}

	private static void releaseOne(Pool pool) {
		pool.release(pool.backends().getFirst());
	}

	private static Pool pool(int slots, int queue, Duration maxWait) {
		return new Pool("p", "m", List.of(), List.of(URI.create("http://r")), PolicyName.LEAST_OUTSTANDING, null,
				Duration.ofSeconds(2), new AdmissionLimits(slots, queue, maxWait, 1, 1, 1), OUTLIER);
	}

}
