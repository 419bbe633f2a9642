package dev.devassist.proxy.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs texts through the embedding model on a worker thread of its own, never on an event
 * loop. With batching on, the worker takes every text that waits when it becomes free, up
 * to the batch limit, and runs them as one tensor: no text waits for a batch to fill, and
 * under load the batches grow by themselves. With batching off it runs one text at a
 * time, the reference the batching benchmark compares against. The queue is bounded; a
 * text that finds it full is refused at once.
 */
public final class EmbeddingBatcher implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(EmbeddingBatcher.class);

	private final Function<List<String>, MiniLmEncoder.Batch> model;

	private final int maxBatch;

	private final BlockingQueue<Item> queue;

	private final IntConsumer batchSizes;

	private final List<Thread> workers;

	private volatile boolean running = true;

	/**
	 * Starts the worker.
	 * @param model embeds a list of texts in one run
	 * @param batching whether texts share runs
	 * @param maxBatch most texts in one run
	 * @param maxQueue most texts waiting
	 * @param batchSizes told the size of every run, for the metrics
	 */
	public EmbeddingBatcher(Function<List<String>, MiniLmEncoder.Batch> model, boolean batching, int maxBatch,
			int maxQueue, IntConsumer batchSizes) {
		this(model, batching, maxBatch, maxQueue, 1, batchSizes);
	}

	/**
	 * Starts the workers.
	 * @param model embeds a list of texts in one run
	 * @param batching whether texts share runs
	 * @param maxBatch most texts in one run
	 * @param maxQueue most texts waiting
	 * @param workers runs that may go at once, each on a thread of its own
	 * @param batchSizes told the size of every run, for the metrics
	 */
	public EmbeddingBatcher(Function<List<String>, MiniLmEncoder.Batch> model, boolean batching, int maxBatch,
			int maxQueue, int workers, IntConsumer batchSizes) {
		this.model = model;
		this.maxBatch = batching ? maxBatch : 1;
		this.queue = new ArrayBlockingQueue<>(maxQueue);
		this.batchSizes = batchSizes;
		List<Thread> started = new ArrayList<>();
		for (int i = 0; i < workers; i++) {
			started.add(Thread.ofPlatform().name("embedding-worker-" + i).daemon().start(this::work));
		}
		this.workers = List.copyOf(started);
	}

	/**
	 * Queues texts to embed.
	 * @param texts the texts
	 * @return one future per text, in order; all fail with {@link QueueFull} when the
	 * queue cannot take them all
	 */
	public List<CompletableFuture<Embedded>> submit(List<String> texts) {
		List<CompletableFuture<Embedded>> futures = new ArrayList<>(texts.size());
		synchronized (this.queue) {
			if (this.queue.remainingCapacity() < texts.size()) {
				throw new QueueFull(this.queue.size());
			}
			for (String text : texts) {
				Item item = new Item(text, new CompletableFuture<>());
				this.queue.add(item);
				futures.add(item.result());
			}
		}
		return futures;
	}

	private void work() {
		List<Item> batch = new ArrayList<>(this.maxBatch);
		List<String> texts = new ArrayList<>(this.maxBatch);
		while (this.running) {
			try {
				Item first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, this.maxBatch - 1);
				batch.forEach((item) -> texts.add(item.text()));
				this.batchSizes.accept(batch.size());
				MiniLmEncoder.Batch vectors = this.model.apply(texts);
				for (int i = 0; i < batch.size(); i++) {
					batch.get(i).result().complete(new Embedded(vectors.vectors()[i], vectors.tokens()[i]));
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.error("Embedding a batch of {} texts failed", batch.size(), ex);
				batch.forEach((item) -> item.result().completeExceptionally(ex));
			}
			finally {
				batch.clear();
				texts.clear();
			}
		}
	}

	@Override
	public void close() {
		this.running = false;
		this.workers.forEach(Thread::interrupt);
		Item left;
		while ((left = this.queue.poll()) != null) {
			left.result().completeExceptionally(new IllegalStateException("The embedding pool is shutting down"));
		}
	}

	/**
	 * One text's vector.
	 *
	 * @param vector the unit vector
	 * @param tokens the tokens the text was read as
	 */
	public record Embedded(float[] vector, int tokens) {
	}

	private record Item(String text, CompletableFuture<Embedded> result) {
	}

	/**
	 * The queue cannot take the texts.
	 */
	public static final class QueueFull extends RuntimeException {

		QueueFull(int waiting) {
			super("The local embedding pool has " + waiting + " texts waiting and takes no more", null, false, false);
		}

	}

}
