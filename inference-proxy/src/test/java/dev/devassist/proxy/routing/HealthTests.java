package dev.devassist.proxy.routing;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Health}: when a replica leaves service and how it comes back.
 */
class HealthTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final Health health = new Health("p/0",
			new Health.OutlierSettings(3, Duration.ofSeconds(1), Duration.ofSeconds(8)));

	@Test
	void consecutiveFailuresEjectAndASuccessInBetweenResetsTheCount() {
		this.health.failed(false, 0);
		this.health.failed(false, 0);
		this.health.succeeded();
		this.health.failed(false, 0);
		this.health.failed(false, 0);
		assertThat(this.health.ejected()).isFalse();

		this.health.failed(false, 0);

		assertThat(this.health.ejected()).isTrue();
		assertThat(this.health.admits(SECOND / 2)).isFalse();
		assertThat(this.health.lastReason()).isEqualTo("consecutive-failures");
	}

	@Test
	void aRefusedConnectionEjectsAtOnce() {
		this.health.failed(true, 0);

		assertThat(this.health.ejected()).isTrue();
		assertThat(this.health.lastReason()).isEqualTo("connection-refused");
	}

	@Test
	void afterTheEjectionOneProbeIsLetThroughAndItsSuccessEndsTheEjection() {
		this.health.failed(true, 0);

		assertThat(this.health.admits(SECOND)).isTrue();
		this.health.chosen();
		assertThat(this.health.admits(SECOND)).as("only one probe at a time").isFalse();
		this.health.succeeded();

		assertThat(this.health.ejected()).isFalse();
		assertThat(this.health.admits(SECOND)).isTrue();
	}

	@Test
	void aFailedProbeEjectsForTwiceAsLongUpToTheLimit() {
		this.health.failed(true, 0);
		this.health.chosen();
		this.health.failed(false, SECOND);

		assertThat(this.health.admits(SECOND + SECOND * 19 / 10)).isFalse();
		assertThat(this.health.admits(SECOND + SECOND * 2)).isTrue();
		assertThat(this.health.lastReason()).isEqualTo("probe-failed");
		long now = 3 * SECOND;
		for (int i = 0; i < 10; i++) {
			this.health.chosen();
			this.health.failed(false, now);
			now += 8 * SECOND;
		}
		assertThat(this.health.admits(now - 8 * SECOND + 8 * SECOND)).isTrue();
	}

	@Test
	void aProbeWhoseClientLeftFreesTheWayForTheNextProbe() {
		this.health.failed(true, 0);
		this.health.chosen();

		this.health.abandoned();

		assertThat(this.health.admits(SECOND)).isTrue();
	}

	@Test
	void twoFailedHealthChecksEjectAndAPassingOneAfterTheEjectionTakesTheReplicaBack() {
		this.health.checkFailed(0);
		assertThat(this.health.ejected()).isFalse();
		this.health.checkFailed(SECOND / 4);
		assertThat(this.health.ejected()).isTrue();
		assertThat(this.health.lastReason()).isEqualTo("health-check");

		this.health.checkFailed(SECOND);
		assertThat(this.health.admits(SECOND + SECOND / 2)).as("a failing check keeps it out").isFalse();
		this.health.checkPassed(SECOND + SECOND / 2);
		assertThat(this.health.ejected()).as("not before the ejection ends").isTrue();
		this.health.checkPassed(2 * SECOND);

		assertThat(this.health.ejected()).isFalse();
		assertThat(this.health.ejectionsTotal()).isOne();
	}

}
