package dev.devassist.proxy.embedding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class EmbeddingBatcherTests {

	/** A model whose vector for a text is its length, and whose runs are recorded. */
	private final List<Integer> runs = Collections.synchronizedList(new ArrayList<>());

	private MiniLmEncoder.Batch lengths(List<String> texts) {
		this.runs.add(texts.size());
		float[][] vectors = new float[texts.size()][];
		int[] tokens = new int[texts.size()];
		for (int i = 0; i < texts.size(); i++) {
			vectors[i] = new float[] { texts.get(i).length() };
			tokens[i] = texts.get(i).length();
		}
		return new MiniLmEncoder.Batch(vectors, tokens);
	}

	/**
	 * A model whose runs each count {@code started} down on entry and end only once
	 * {@code release} is open.
	 */
	private Function<List<String>, MiniLmEncoder.Batch> heldUntil(CountDownLatch started, CountDownLatch release) {
		return (texts) -> {
			started.countDown();
			try {
				assertThat(release.await(5, TimeUnit.SECONDS)).isTrue();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return lengths(texts);
		};
	}

	@Test
	void twoWorkersRunTwoBatchesAtOnce() throws Exception {
		// Neither run ends until the other has begun.
		CountDownLatch bothRunning = new CountDownLatch(2);
		Function<List<String>, MiniLmEncoder.Batch> model = heldUntil(bothRunning, bothRunning);
		try (EmbeddingBatcher batcher = new EmbeddingBatcher(model, false, 32, 16, 2, (size) -> {
		})) {
			List<CompletableFuture<EmbeddingBatcher.Embedded>> first = batcher.submit(List.of("a"));
			List<CompletableFuture<EmbeddingBatcher.Embedded>> second = batcher.submit(List.of("bbb"));

			assertThat(first.getFirst().get(5, TimeUnit.SECONDS).vector()).containsExactly(1f);
			assertThat(second.getFirst().get(5, TimeUnit.SECONDS).vector()).containsExactly(3f);
		}
	}

	@Test
	void waitingTextsShareARunAndKeepTheirOrder() throws Exception {
		CountDownLatch firstRun = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Function<List<String>, MiniLmEncoder.Batch> model = heldUntil(firstRun, release);
		try (EmbeddingBatcher batcher = new EmbeddingBatcher(model, true, 32, 64, 1, (size) -> {
		})) {
			CompletableFuture<EmbeddingBatcher.Embedded> blocker = batcher.submit(List.of("x")).getFirst();
			assertThat(firstRun.await(5, TimeUnit.SECONDS)).isTrue();
			List<CompletableFuture<EmbeddingBatcher.Embedded>> waiting = batcher.submit(List.of("aa", "bbbb", "c"));
			release.countDown();

			blocker.get(5, TimeUnit.SECONDS);
			assertThat(waiting.get(0).get(5, TimeUnit.SECONDS).vector()).containsExactly(2f);
			assertThat(waiting.get(1).get(5, TimeUnit.SECONDS).vector()).containsExactly(4f);
			assertThat(waiting.get(2).get(5, TimeUnit.SECONDS).vector()).containsExactly(1f);
			assertThat(this.runs).containsExactly(1, 3);
		}
	}

	@Test
	void aFullQueueRefusesAllOfARequestsTexts() {
		CountDownLatch release = new CountDownLatch(1);
		Function<List<String>, MiniLmEncoder.Batch> model = heldUntil(new CountDownLatch(1), release);
		try (EmbeddingBatcher batcher = new EmbeddingBatcher(model, true, 32, 2, 1, (size) -> {
		})) {
			batcher.submit(List.of("a", "b"));
			assertThatExceptionOfType(EmbeddingBatcher.QueueFull.class)
				.isThrownBy(() -> batcher.submit(List.of("c", "d", "e")));
			release.countDown();
		}
	}

}
