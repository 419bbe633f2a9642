package dev.devassist.simulator.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A continuous-batching engine modelled on vLLM's scheduler. Each step decodes one token
 * for every running sequence that has finished its prefill, continues chunked prefills,
 * and then admits waiting sequences while the batch has room in sequences
 * ({@code max_num_seqs}), tokens ({@code max_num_batched_tokens}) and KV-cache blocks. A
 * step lasts as long as the {@link LatencyModel} says, so batch size, prompt length and
 * prefix-cache hits move TTFT and inter-token latency as they do on a GPU. When a
 * decoding sequence needs a block and none is free, the most recently admitted sequence
 * is preempted and recomputed later, as vLLM does.
 */
public final class Engine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Engine.class);

	private final EngineConfig config;

	private final LatencyModel latency;

	private final EngineClock clock;

	private final EngineObserver observer;

	private final BlockPool blocks;

	private final Queue<Sequence> inbox = new ConcurrentLinkedQueue<>();

	private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();

	private final List<Sequence> running = new ArrayList<>();

	private final List<Sequence> decoding = new ArrayList<>();

	private final List<Sequence> prefilling = new ArrayList<>();

	private final List<Integer> chunks = new ArrayList<>();

	private volatile EngineState state;

	private volatile boolean closed;

	private @Nullable Thread thread;

	public Engine(EngineConfig config, LatencyModel latency, EngineClock clock, EngineObserver observer) {
		this.config = config;
		this.latency = latency;
		this.clock = clock;
		this.observer = observer;
		this.blocks = new BlockPool(config.numBlocks(), config.prefixCaching());
		this.state = EngineState.idle(config.numBlocks());
	}

	/** Starts the engine's own thread, which steps whenever there is work. */
	public synchronized void start() {
		if (this.thread != null) {
			return;
		}
		Thread engineThread = Thread.ofPlatform().name("sim-engine").daemon().unstarted(this::run);
		this.thread = engineThread;
		engineThread.start();
	}

	/**
	 * Queues a sequence; it waits until a step admits it. Safe from any thread.
	 * @param sequence the sequence
	 */
	public void submit(Sequence sequence) {
		sequence.arrivalNanos = this.clock.nanoTime();
		this.inbox.add(sequence);
		Thread engineThread = this.thread;
		if (engineThread != null) {
			LockSupport.unpark(engineThread);
		}
	}

	/**
	 * The engine's queues and KV cache after its last step.
	 * @return the state
	 */
	public EngineState state() {
		return this.state;
	}

	/**
	 * Whether the engine's thread runs; a dead engine makes the server unhealthy, as
	 * vLLM's engine-dead error does.
	 * @return true while the engine can take work
	 */
	public boolean alive() {
		Thread engineThread = this.thread;
		return engineThread != null && engineThread.isAlive() && !this.closed;
	}

	@Override
	public void close() {
		this.closed = true;
		Thread engineThread = this.thread;
		if (engineThread != null) {
			LockSupport.unpark(engineThread);
			try {
				engineThread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void run() {
		logger.info(
				"Engine started with max_num_seqs={}, max_num_batched_tokens={} and {} KV-cache blocks of {} tokens",
				this.config.maxNumSeqs(), this.config.maxNumBatchedTokens(), this.config.numBlocks(),
				this.config.blockSize());
		while (!this.closed) {
			try {
				if (!step()) {
					LockSupport.park(this);
				}
			}
			catch (RuntimeException ex) {
				logger.error("Engine step failed; the engine goes on with the next step", ex);
			}
		}
		logger.info("Engine stopped with {} running and {} waiting sequences", this.running.size(),
				this.waiting.size());
	}

	/**
	 * Runs one step on the calling thread.
	 * @return false when there was nothing to do
	 */
	boolean step() {
		drainInbox();
		dropAborted();
		if (this.running.isEmpty() && this.waiting.isEmpty()) {
			publishState();
			return false;
		}

		long start = this.clock.nanoTime();
		int budget = scheduleDecodes(this.config.maxNumBatchedTokens());
		budget = scheduleRunningPrefills(budget);
		admitWaiting(start, budget);
		if (this.decoding.isEmpty() && this.prefilling.isEmpty()) {
			publishState();
			return false;
		}

		int prefillTokens = 0;
		for (int chunk : this.chunks) {
			prefillTokens += chunk;
		}
		long duration = this.latency.stepNanos(prefillTokens, this.decoding.size() + this.prefilling.size());
		this.clock.sleepUntil(start + duration);

		long end = this.clock.nanoTime();
		completePrefills(end);
		completeDecodes(end);
		publishState();
		return true;
	}

	private void drainInbox() {
		Sequence sequence;
		while ((sequence = this.inbox.poll()) != null) {
			this.waiting.add(sequence);
		}
	}

	private void dropAborted() {
		for (Iterator<Sequence> it = this.waiting.iterator(); it.hasNext();) {
			Sequence sequence = it.next();
			if (sequence.abortRequested()) {
				it.remove();
				this.observer.onAborted(sequence);
			}
		}
		for (Iterator<Sequence> it = this.running.iterator(); it.hasNext();) {
			Sequence sequence = it.next();
			if (sequence.abortRequested()) {
				it.remove();
				releaseBlocks(sequence);
				this.observer.onAborted(sequence);
			}
		}
	}

	private int scheduleDecodes(int budget) {
		this.decoding.clear();
		for (int i = 0; i < this.running.size() && budget > 0; i++) {
			Sequence sequence = this.running.get(i);
			if (!sequence.prefilled()) {
				continue;
			}
			if (!reserveNextSlot(sequence)) {
				continue;
			}
			this.decoding.add(sequence);
			budget--;
		}
		return budget;
	}

	private boolean reserveNextSlot(Sequence sequence) {
		while (sequence.tokensInCache() + 1 > sequence.blocksHeld() * this.config.blockSize()) {
			if (this.blocks.allocate()) {
				sequence.freshBlocksHeld++;
				continue;
			}
			Sequence victim = this.running.getLast();
			preempt(victim);
			if (victim == sequence) {
				return false;
			}
		}
		return true;
	}

	private void preempt(Sequence sequence) {
		this.running.remove(sequence);
		this.decoding.remove(sequence);
		releaseBlocks(sequence);
		sequence.prefillTarget = sequence.promptTokens() + sequence.generated;
		sequence.computed = 0;
		this.waiting.addFirst(sequence);
		this.observer.onPreempted(sequence);
	}

	private int scheduleRunningPrefills(int budget) {
		this.prefilling.clear();
		this.chunks.clear();
		for (Sequence sequence : this.running) {
			if (budget == 0) {
				break;
			}
			if (!sequence.prefilled()) {
				budget -= schedulePrefill(sequence, budget);
			}
		}
		return budget;
	}

	private void admitWaiting(long now, int budget) {
		while (budget > 0 && !this.waiting.isEmpty() && this.running.size() < this.config.maxNumSeqs()) {
			Sequence sequence = this.waiting.peekFirst();
			if (!allocatePrompt(sequence)) {
				break;
			}
			this.waiting.pollFirst();
			this.running.add(sequence);
			if (!sequence.scheduledOnce) {
				sequence.scheduledOnce = true;
				this.observer.onScheduled(sequence, now - sequence.arrivalNanos);
			}
			budget -= schedulePrefill(sequence, budget);
		}
	}

	private int schedulePrefill(Sequence sequence, int budget) {
		int chunk = Math.min(sequence.prefillTarget - sequence.computed, budget);
		this.prefilling.add(sequence);
		this.chunks.add(chunk);
		return chunk;
	}

	private boolean allocatePrompt(Sequence sequence) {
		int blockSize = this.config.blockSize();
		int needed = ceilDiv(sequence.prefillTarget, blockSize);
		long[] hashes = sequence.blockHashes();
		int hits = this.blocks.lookup(hashes, (sequence.prefillTarget - 1) / blockSize);
		int fresh = needed - hits;
		if (this.blocks.free() - this.blocks.evictableAmong(hashes, hits) < fresh) {
			return false;
		}

		for (int i = 0; i < hits; i++) {
			this.blocks.acquire(hashes[i]);
		}
		for (int i = 0; i < fresh; i++) {
			this.blocks.allocate();
		}
		sequence.cachedBlocksHeld = hits;
		sequence.freshBlocksHeld = fresh;
		sequence.computed = hits * blockSize;
		this.observer.onPrefixCacheLookup(sequence.prefillTarget, hits * blockSize);
		return true;
	}

	private void completePrefills(long now) {
		for (int i = 0; i < this.prefilling.size(); i++) {
			Sequence sequence = this.prefilling.get(i);
			sequence.computed += this.chunks.get(i);
			if (sequence.prefilled()) {
				cachePromptBlocks(sequence);
				emit(sequence, now);
			}
		}
	}

	private void completeDecodes(long now) {
		for (Sequence sequence : this.decoding) {
			emit(sequence, now);
		}
	}

	private void cachePromptBlocks(Sequence sequence) {
		if (!this.config.prefixCaching()) {
			return;
		}
		long[] hashes = sequence.blockHashes();
		while (sequence.cachedBlocksHeld < hashes.length && sequence.freshBlocksHeld > 0) {
			this.blocks.promote(hashes[sequence.cachedBlocksHeld]);
			sequence.cachedBlocksHeld++;
			sequence.freshBlocksHeld--;
		}
	}

	private void emit(Sequence sequence, long now) {
		int index = sequence.generated++;
		boolean first = index == 0;
		if (first) {
			sequence.firstTokenNanos = now;
		}
		long latencyNanos = now - (first ? sequence.arrivalNanos : sequence.lastTokenNanos);
		sequence.lastTokenNanos = now;
		this.observer.onToken(sequence, first, latencyNanos);
		sequence.listener().onToken(sequence, index);

		if (sequence.generated >= sequence.outputTokens()) {
			this.running.remove(sequence);
			releaseBlocks(sequence);
			this.observer.onFinished(sequence, now - sequence.arrivalNanos);
			sequence.listener().onFinished(sequence);
		}
	}

	private void releaseBlocks(Sequence sequence) {
		long[] hashes = sequence.blockHashes();
		// Released tail first, as vLLM does, so that eviction eats prompts from their
		// ends
		// and the shared beginnings stay cached longest.
		for (int i = sequence.cachedBlocksHeld - 1; i >= 0; i--) {
			this.blocks.releaseCached(hashes[i]);
		}
		this.blocks.releaseFresh(sequence.freshBlocksHeld);
		sequence.cachedBlocksHeld = 0;
		sequence.freshBlocksHeld = 0;
	}

	private void publishState() {
		EngineState next = new EngineState(this.running.size(), this.waiting.size() + this.inbox.size(),
				this.blocks.used(), this.blocks.total(), this.blocks.cached());
		this.state = next;
		this.observer.onStep(next);
	}

	private static int ceilDiv(int value, int divisor) {
		return (value + divisor - 1) / divisor;
	}

}
