package dev.devassist.proxy.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link VllmMetricsParser}.
 */
class VllmMetricsParserTests {

	@Test
	void readsTheCurrentNamesAndSumsOverLabelSets() {
		String page = """
				# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
				# TYPE vllm:num_requests_waiting gauge
				vllm:num_requests_waiting{engine="0",model_name="a"} 3.0
				vllm:num_requests_waiting{engine="1",model_name="a"} 2.0
				vllm:num_requests_running{engine="0",model_name="a"} 7.0
				vllm:kv_cache_usage_perc{engine="0",model_name="a"} 0.25
				vllm:prefix_cache_queries_total{engine="0",model_name="a"} 1000.0
				vllm:prefix_cache_hits_total{engine="0",model_name="a"} 400.0
				vllm:num_requests_waiting_other 99
				""";

		EngineState state = VllmMetricsParser.parse(page, 42);

		assertThat(state).isEqualTo(new EngineState(5, 7, 0.25, 1000, 400, 42));
	}

	@Test
	void fallsBackToTheLegacyNames() {
		String page = """
				vllm:num_requests_waiting{model_name="a"} 1
				vllm:num_requests_running{model_name="a"} 2
				vllm:gpu_cache_usage_perc{model_name="a"} 0.5
				vllm:gpu_prefix_cache_queries_total{model_name="a"} 10
				vllm:gpu_prefix_cache_hits_total{model_name="a"} 4
				""";

		EngineState state = VllmMetricsParser.parse(page, 0);

		assertThat(state).isEqualTo(new EngineState(1, 2, 0.5, 10, 4, 0));
	}

	@Test
	void aPageWithoutVllmQueueGaugesGivesNoState() {
		assertThat(VllmMetricsParser.parse("jvm_memory_used_bytes{area=\"heap\"} 1.0\n", 0)).isNull();
	}

}
