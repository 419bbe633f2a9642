package dev.devassist.rag.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.devassist.rag.index.IndexHit;

/**
 * Fuses the dense and the lexical retriever's answers by a weighted sum of their scores,
 * each first scaled to 0..1 over its own candidates (min-max). Unlike reciprocal-rank
 * fusion it keeps how far apart the scores are, so a clear winner in one list is not
 * pulled down to the rank of a weak one in the other. A hit one retriever did not return
 * counts 0 there.
 */
final class WeightedFusion {

	private final double denseWeight;

	/**
	 * @param denseWeight the dense retriever's share, 0 to 1; the lexical one gets the
	 * rest
	 */
	WeightedFusion(double denseWeight) {
		if (denseWeight < 0 || denseWeight > 1) {
			throw new IllegalArgumentException("The dense weight must lie in 0..1, not " + denseWeight);
		}
		this.denseWeight = denseWeight;
	}

	/**
	 * Fuses two answers.
	 * @param dense the dense hits, best first
	 * @param lexical the lexical hits, best first
	 * @return every hit of either, scored by the fusion, best first
	 */
	List<IndexHit> fuse(List<IndexHit> dense, List<IndexHit> lexical) {
		Map<String, IndexHit> hits = new LinkedHashMap<>();
		Map<String, Double> scores = new LinkedHashMap<>();
		add(dense, this.denseWeight, hits, scores);
		add(lexical, 1 - this.denseWeight, hits, scores);

		List<IndexHit> fused = new ArrayList<>(hits.size());
		for (Map.Entry<String, IndexHit> entry : hits.entrySet()) {
			fused.add(entry.getValue().withScore(scores.get(entry.getKey()).floatValue()));
		}
		fused.sort(Comparator.comparingDouble(IndexHit::score).reversed());
		return fused;
	}

	private static void add(List<IndexHit> answer, double weight, Map<String, IndexHit> hits,
			Map<String, Double> scores) {
		if (answer.isEmpty()) {
			return;
		}
		float max = answer.get(0).score();
		float min = answer.get(answer.size() - 1).score();
		for (IndexHit hit : answer) {
			double scaled = (max > min) ? (hit.score() - min) / (double) (max - min) : 1;
			hits.putIfAbsent(hit.id(), hit);
			scores.merge(hit.id(), weight * scaled, Double::sum);
		}
	}

}
