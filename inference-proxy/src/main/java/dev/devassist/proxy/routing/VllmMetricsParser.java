package dev.devassist.proxy.routing;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Reads the few samples the proxy routes on out of a vLLM {@code /metrics} page, by
 * vLLM's current names and, where a replica runs an older vLLM, by the legacy ones.
 * Samples of the same name are summed over their label sets (one per model or engine).
 */
final class VllmMetricsParser {

	private static final String[] WANTED = { "vllm:num_requests_waiting", "vllm:num_requests_running",
			"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc", "vllm:prefix_cache_queries_total",
			"vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_queries_total", "vllm:gpu_prefix_cache_hits_total" };

	private VllmMetricsParser() {
	}

	/**
	 * Parses a page.
	 * @param page the exposition text
	 * @param nowNanos when it was read
	 * @return the state, or null when the page holds none of vLLM's queue gauges
	 */
	static @Nullable EngineState parse(String page, long nowNanos) {
		Map<String, Double> sums = new HashMap<>();
		int start = 0;
		while (start < page.length()) {
			int end = page.indexOf('\n', start);
			if (end < 0) {
				end = page.length();
			}
			if (page.startsWith("vllm:", start)) {
				sample(page, start, end, sums);
			}
			start = end + 1;
		}
		if (!sums.containsKey("vllm:num_requests_waiting") && !sums.containsKey("vllm:num_requests_running")) {
			return null;
		}
		return new EngineState(sums.getOrDefault("vllm:num_requests_waiting", 0.0),
				sums.getOrDefault("vllm:num_requests_running", 0.0),
				either(sums, "vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"),
				either(sums, "vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total"),
				either(sums, "vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"), nowNanos);
	}

	private static void sample(String page, int start, int end, Map<String, Double> sums) {
		for (String name : WANTED) {
			int after = start + name.length();
			if (page.startsWith(name, start) && after < end
					&& (page.charAt(after) == '{' || page.charAt(after) == ' ')) {
				int space = page.lastIndexOf(' ', end - 1);
				try {
					double value = Double.parseDouble(page.substring(space + 1, end).trim());
					sums.merge(name, value, Double::sum);
				}
				catch (NumberFormatException ex) {
					// A sample that does not parse is left out; the others still count.
				}
				return;
			}
		}
	}

	private static double either(Map<String, Double> sums, String current, String legacy) {
		Double value = sums.get(current);
		return (value != null) ? value : sums.getOrDefault(legacy, 0.0);
	}

}
