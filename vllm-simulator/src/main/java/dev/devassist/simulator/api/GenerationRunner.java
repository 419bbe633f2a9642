package dev.devassist.simulator.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.devassist.simulator.engine.Engine;
import dev.devassist.simulator.engine.Sequence;
import dev.devassist.simulator.engine.SequenceListener;
import dev.devassist.simulator.generation.ResponsePlan;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs a request's choices through the engine and hands back their tokens as the engine
 * produces them. A client that goes away aborts its sequences.
 */
final class GenerationRunner {

	private final Engine engine;

	GenerationRunner(Engine engine) {
		this.engine = engine;
	}

	/**
	 * Waits for every choice to finish.
	 * @param jobs the choices
	 * @return completes when the last choice has finished
	 */
	Mono<Void> runToEnd(List<Job> jobs) {
		return Mono.create((MonoSink<Void> sink) -> {
			AtomicInteger remaining = new AtomicInteger(jobs.size());
			SequenceListener listener = new SequenceListener() {

				@Override
				public void onToken(Sequence sequence, int index) {
				}

				@Override
				public void onFinished(Sequence sequence) {
					if (remaining.decrementAndGet() == 0) {
						sink.success();
					}
				}

			};
			List<Sequence> sequences = submit(jobs, listener);
			sink.onCancel(() -> sequences.forEach(Sequence::abort));
		});
	}

	/**
	 * Streams each token of every choice, in the order the engine produces them.
	 * @param jobs the choices
	 * @return the tokens; completes when the last choice has finished
	 */
	Flux<Emission> stream(List<Job> jobs) {
		return Flux.create((FluxSink<Emission> sink) -> {
			AtomicInteger remaining = new AtomicInteger(jobs.size());
			SequenceListener listener = new SequenceListener() {

				@Override
				public void onToken(Sequence sequence, int index) {
					ResponsePlan plan = jobs.get(sequence.choice()).plan();
					sink.next(new Emission(sequence.choice(), index, plan));
				}

				@Override
				public void onFinished(Sequence sequence) {
					if (remaining.decrementAndGet() == 0) {
						sink.complete();
					}
				}

			};
			List<Sequence> sequences = submit(jobs, listener);
			sink.onCancel(() -> sequences.forEach(Sequence::abort));
		});
	}

	private List<Sequence> submit(List<Job> jobs, SequenceListener listener) {
		List<Sequence> sequences = new ArrayList<>(jobs.size());
		for (int choice = 0; choice < jobs.size(); choice++) {
			Job job = jobs.get(choice);
			ResponsePlan plan = job.plan();
			sequences.add(new Sequence(choice, job.promptTokens(), job.blockHashes(), plan.pieces().size(),
					plan.finishReason(), listener));
		}
		sequences.forEach(this.engine::submit);
		return sequences;
	}

	/**
	 * One choice to generate.
	 *
	 * @param promptTokens tokens in its prompt
	 * @param blockHashes the prompt's block hashes, for the prefix cache
	 * @param plan what it generates
	 */
	record Job(int promptTokens, long[] blockHashes, ResponsePlan plan) {
	}

	/**
	 * One generated token.
	 *
	 * @param choice the choice it belongs to
	 * @param index its position in the choice's output
	 * @param plan the choice's plan
	 */
	record Emission(int choice, int index, ResponsePlan plan) {

		String piece() {
			return this.plan.pieces().get(this.index);
		}

		boolean last() {
			return this.index == this.plan.pieces().size() - 1;
		}

	}

}
