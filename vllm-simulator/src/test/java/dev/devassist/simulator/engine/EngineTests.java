package dev.devassist.simulator.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Engine}, stepped by hand on a virtual clock so that every latency is
 * exact.
 */
class EngineTests {

	private static final LatencyModel LATENCY = new LatencyModel(Duration.ofMillis(5), Duration.ofNanos(100_000),
			Duration.ofMillis(1));

	private final VirtualClock clock = new VirtualClock();

	private final CountingObserver observer = new CountingObserver();

	@Test
	void whenPromptBlocksAreCachedThenTimeToFirstTokenIsLower() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 1024, true));
		int[] prompt = tokens(2048, 0);

		Recorded cold = runAlone(engine, prompt, 4);
		Recorded warm = runAlone(engine, prompt, 4);

		assertThat(cold.timeToFirstToken()).isEqualTo(5_000_000 + 2048 * 100_000 + 1_000_000);
		assertThat(warm.timeToFirstToken()).isEqualTo(5_000_000 + 1 * 16 * 100_000 + 1_000_000);
		assertThat(this.observer.hitTokens).isEqualTo(2048 - 16);
	}

	@Test
	void whenPromptsShareOnlyAPrefixThenOnlyTheSharedBlocksHit() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 1024, true));
		int[] first = tokens(64, 0);
		int[] second = first.clone();
		second[40] = -1;

		runAlone(engine, first, 1);
		runAlone(engine, second, 1);

		assertThat(this.observer.hitTokens).isEqualTo(32);
	}

	@Test
	void whenPrefixCachingIsOffThenNothingHits() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 1024, false));
		int[] prompt = tokens(256, 0);

		Recorded cold = runAlone(engine, prompt, 1);
		Recorded again = runAlone(engine, prompt, 1);

		assertThat(again.timeToFirstToken()).isEqualTo(cold.timeToFirstToken());
		assertThat(this.observer.hitTokens).isZero();
	}

	@Test
	void whenMoreSequencesRunThenInterTokenLatencyRises() {
		Engine alone = engine(new EngineConfig(64, 8192, 16, 4096, true));
		Recorded single = runAlone(alone, tokens(32, 0), 10);

		Engine busy = engine(new EngineConfig(64, 8192, 16, 4096, true));
		List<Recorded> batch = IntStream.range(0, 32).mapToObj((i) -> submit(busy, tokens(32, i * 1000), 10)).toList();
		runUntilIdle(busy);

		long batchGap = batch.getFirst().gapBetweenTokens(5);
		assertThat(single.gapBetweenTokens(5)).isEqualTo(5_000_000 + 1_000_000);
		assertThat(batchGap).isEqualTo(5_000_000 + 32 * 1_000_000);
	}

	@Test
	void whenMoreRequestsThanMaxNumSeqsArriveThenTheRestWait() {
		Engine engine = engine(new EngineConfig(4, 8192, 16, 1024, true));
		IntStream.range(0, 10).forEach((i) -> submit(engine, tokens(20, i * 100), 50));

		engine.step();

		assertThat(engine.state().running()).isEqualTo(4);
		assertThat(engine.state().waiting()).isEqualTo(6);
	}

	@Test
	void whenPrefillExceedsTheTokenBudgetThenItIsChunkedOverSteps() {
		Engine engine = engine(new EngineConfig(4, 512, 16, 1024, true));
		Recorded recorded = submit(engine, tokens(2000, 0), 1);

		int steps = runUntilIdle(engine);

		assertThat(steps).isEqualTo(4);
		assertThat(recorded.tokens).hasSize(1);
	}

	@Test
	void whenTheKvCacheRunsOutThenSequencesArePreemptedAndStillFinish() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 12, false));
		List<Recorded> all = IntStream.range(0, 3).mapToObj((i) -> submit(engine, tokens(32, i * 100), 60)).toList();

		runUntilIdle(engine);

		assertThat(this.observer.preemptions).isPositive();
		assertThat(all).allSatisfy((recorded) -> assertThat(recorded.tokens).hasSize(60));
		assertThat(engine.state().usedBlocks()).isZero();
	}

	@Test
	void whenASequenceIsAbortedThenItLeavesAndFreesItsBlocks() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 64, true));
		Recorded recorded = submit(engine, tokens(100, 0), 1000);
		engine.step();
		assertThat(engine.state().usedBlocks()).isPositive();

		recorded.sequence.abort();
		engine.step();

		assertThat(engine.state().running()).isZero();
		assertThat(engine.state().usedBlocks()).isZero();
		assertThat(this.observer.aborted).isEqualTo(1);
	}

	@Test
	void whenSequencesFinishThenTheirPromptBlocksStayCachedButFree() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 64, true));

		runAlone(engine, tokens(160, 0), 2);

		assertThat(engine.state().usedBlocks()).isZero();
		assertThat(engine.state().cachedBlocks()).isEqualTo(10);
	}

	@Test
	void whenCachedBlocksAreNeededThenTheTailsOfTheLeastRecentPromptsAreEvictedFirst() {
		Engine engine = engine(new EngineConfig(8, 8192, 16, 6, true));
		int[] first = tokens(64, 0);

		runAlone(engine, first, 1);
		runAlone(engine, tokens(64, 5000), 1);
		runAlone(engine, first, 1);

		assertThat(this.observer.hitTokens).isEqualTo(32);
	}

	private Engine engine(EngineConfig config) {
		return new Engine(config, LATENCY, this.clock, this.observer);
	}

	private Recorded runAlone(Engine engine, int[] prompt, int outputTokens) {
		Recorded recorded = submit(engine, prompt, outputTokens);
		runUntilIdle(engine);
		return recorded;
	}

	private Recorded submit(Engine engine, int[] prompt, int outputTokens) {
		Recorded recorded = new Recorded(this.clock);
		recorded.sequence = new Sequence(0, prompt.length, PrefixHashes.of(prompt, 16), outputTokens, "length",
				recorded);
		recorded.submittedAt = this.clock.now;
		engine.submit(recorded.sequence);
		return recorded;
	}

	private static int runUntilIdle(Engine engine) {
		int steps = 0;
		while (engine.step()) {
			steps++;
		}
		return steps;
	}

	private static int[] tokens(int count, int offset) {
		return IntStream.range(offset, offset + count).toArray();
	}

	static final class VirtualClock implements EngineClock {

		long now = 1_000_000_000L;

		@Override
		public long nanoTime() {
			return this.now;
		}

		@Override
		public void sleepUntil(long deadlineNanos) {
			this.now = Math.max(this.now, deadlineNanos);
		}

	}

	static final class Recorded implements SequenceListener {

		private final VirtualClock clock;

		final List<Long> tokens = new ArrayList<>();

		Sequence sequence;

		long submittedAt;

		boolean finished;

		Recorded(VirtualClock clock) {
			this.clock = clock;
		}

		@Override
		public void onToken(Sequence sequence, int index) {
			this.tokens.add(this.clock.now);
		}

		@Override
		public void onFinished(Sequence sequence) {
			this.finished = true;
		}

		long timeToFirstToken() {
			return this.tokens.getFirst() - this.submittedAt;
		}

		long gapBetweenTokens(int index) {
			return this.tokens.get(index) - this.tokens.get(index - 1);
		}

	}

	static final class CountingObserver implements EngineObserver {

		int hitTokens;

		int preemptions;

		int aborted;

		@Override
		public void onPrefixCacheLookup(int queriedTokens, int hitTokens) {
			this.hitTokens += hitTokens;
		}

		@Override
		public void onPreempted(Sequence sequence) {
			this.preemptions++;
		}

		@Override
		public void onAborted(Sequence sequence) {
			this.aborted++;
		}

	}

}
