package dev.devassist.simulator.generation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.devassist.simulator.tokens.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ResponsePlanner} and {@link ResponseScript}.
 */
class ResponsePlannerTests {

	private static final ToolDefinition SEARCH = new ToolDefinition("search_code", List.of("query", "limit"),
			Map.of("query", "string", "limit", "integer"));

	private final ResponsePlanner echo = new ResponsePlanner(new Tokenizer(), ResponseMode.ECHO, ResponseScript.EMPTY);

	@Test
	void echoModeRepeatsTheLastMessage() {
		ResponsePlan plan = this.echo.plan(request("Tell me about the proxy", 100));

		assertThat(plan.text()).isEqualTo("Tell me about the proxy");
		assertThat(plan.finishReason()).isEqualTo("stop");
	}

	@Test
	void outputIsCutAtMaxTokensWithFinishReasonLength() {
		ResponsePlan plan = this.echo.plan(request("one two three four five", 2));

		assertThat(plan.pieces()).containsExactly("one", " two");
		assertThat(plan.finishReason()).isEqualTo("length");
	}

	@Test
	void outputEndsBeforeTheFirstStopString() {
		PlanRequest request = new PlanRequest("user", "alpha beta. gamma; delta", "", List.of(), "none", 100, 0, false,
				List.of(";", "."), null, 1, 0);

		ResponsePlan plan = this.echo.plan(request);

		assertThat(plan.text()).isEqualTo("alpha beta");
		assertThat(plan.stopReason()).isEqualTo(".");
	}

	@Test
	void ignoreEosGeneratesExactlyMaxTokens() {
		PlanRequest request = new PlanRequest("user", "short", "", List.of(), "none", 40, 0, true, List.of(), 7L, 1, 0);

		assertThat(this.echo.plan(request).pieces()).hasSize(40);
	}

	@Test
	void generatedTextIsTheSameForTheSameSeedAndDiffersBetweenChoices() {
		ResponsePlanner generate = new ResponsePlanner(new Tokenizer(), ResponseMode.GENERATE, ResponseScript.EMPTY);

		String first = generate.plan(seeded(0)).text();
		String again = generate.plan(seeded(0)).text();
		String otherChoice = generate.plan(seeded(1)).text();

		assertThat(first).isEqualTo(again).isNotEqualTo(otherChoice);
	}

	@Test
	void aToolNamedInTheLastUserMessageIsCalledWithArgumentsFromItsSchema() {
		PlanRequest request = new PlanRequest("user", "please use search_code for RetryPolicy", "find RetryPolicy",
				List.of(SEARCH), "auto", 200, 0, false, List.of(), null, 1, 0);

		ResponsePlan plan = this.echo.plan(request);

		assertThat(plan.finishReason()).isEqualTo("tool_calls");
		assertThat(plan.toolCalls()).singleElement().satisfies((call) -> {
			assertThat(call.name()).isEqualTo("search_code");
			assertThat(call.arguments()).isEqualTo("{\"query\":\"find RetryPolicy\",\"limit\":1}");
		});
		assertThat(String.join("", plan.pieces())).isEqualTo(plan.toolCalls().getFirst().arguments());
	}

	@Test
	void inlineJsonAfterTheToolNameBecomesTheArguments() {
		PlanRequest request = new PlanRequest("user", "call search_code {\"query\": \"Engine\"}", "", List.of(SEARCH),
				"auto", 200, 0, false, List.of(), null, 1, 0);

		assertThat(this.echo.plan(request).toolCalls().getFirst().arguments()).isEqualTo("{\"query\":\"Engine\"}");
	}

	@Test
	void toolChoiceNoneNeverCallsATool() {
		PlanRequest request = new PlanRequest("user", "use search_code", "", List.of(SEARCH), "none", 200, 0, false,
				List.of(), null, 1, 0);

		assertThat(this.echo.plan(request).callsTools()).isFalse();
	}

	@Test
	void afterAToolResultTheModelAnswersInText() {
		PlanRequest request = new PlanRequest("tool", "{\"hits\": 3}", "use search_code", List.of(SEARCH), "auto", 200,
				0, false, List.of(), null, 1, 0);

		assertThat(this.echo.plan(request).callsTools()).isFalse();
	}

	@Test
	void scriptRulesAnswerWithGroupsAndCallOnlyOfferedTools(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("script.json");
		Files.writeString(file,
				"""
						{"rules": [
						  {"match": "where is (\\\\w+) defined", "toolCalls": [{"name": "search_code", "arguments": {"query": "$1"}}]},
						  {"match": "where is (\\\\w+) defined", "text": "No tools to find $1."},
						  {"match": ".", "role": "tool", "text": "Found it."}
						]}
						""");
		ResponsePlanner scripted = new ResponsePlanner(new Tokenizer(), ResponseMode.ECHO, ResponseScript.load(file));

		ResponsePlan withTools = scripted.plan(new PlanRequest("user", "where is Engine defined", "", List.of(SEARCH),
				"auto", 200, 0, false, List.of(), null, 1, 0));
		ResponsePlan withoutTools = scripted.plan(request("where is Engine defined", 200));
		ResponsePlan afterTool = scripted
			.plan(new PlanRequest("tool", "[...]", "", List.of(SEARCH), "auto", 200, 0, false, List.of(), null, 1, 0));

		assertThat(withTools.toolCalls().getFirst().arguments()).isEqualTo("{\"query\":\"Engine\"}");
		assertThat(withoutTools.text()).isEqualTo("No tools to find Engine.");
		assertThat(afterTool.text()).isEqualTo("Found it.");
	}

	@Test
	void aScriptRuleWithoutAnAnswerIsRejectedWithItsIndex(@TempDir Path dir) throws IOException {
		Path file = dir.resolve("script.json");
		Files.writeString(file, "{\"rules\": [{\"match\": \"x\", \"text\": \"y\"}, {\"match\": \"z\"}]}");

		assertThatIllegalArgumentException().isThrownBy(() -> ResponseScript.load(file))
			.withMessageContaining("rules[1] needs either text or toolCalls");
	}

	private static PlanRequest request(String text, int maxTokens) {
		return new PlanRequest("user", text, text, List.of(), "none", maxTokens, 0, false, List.of(), null, 1, 0);
	}

	private static PlanRequest seeded(int choice) {
		return new PlanRequest("user", "x", "x", List.of(), "none", 64, 0, false, List.of(), 42L, 1, choice);
	}

}
