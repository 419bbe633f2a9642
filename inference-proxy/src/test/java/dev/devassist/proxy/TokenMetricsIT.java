package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Token counts, time to first token and time per output token, measured on real answers
 * of a simulator whose engine steps take 5 ms. Each test asks for its own alias of the
 * model, so that its meters are its own.
 */
class TokenMetricsIT {

	private static final String ALIASES = "whole,plain-stream,usage-stream,options-stream,paced";

	private static SimulatorProcess simulator;

	private static ConfigurableApplicationContext proxy;

	private static OpenAIClient client;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		simulator = SimulatorProcess.start("--simulator.latency.base=5ms", "--simulator.response-mode=generate");
		proxy = ProxyIT.startProxy("proxy.pools.chat.model=" + SimulatorProcess.MODEL,
				"proxy.pools.chat.aliases=" + ALIASES, "proxy.pools.chat.backends=" + simulator.url());
		client = OpenAIOkHttpClient.builder()
			.baseUrl(ProxyIT.baseUrl(proxy) + "/v1")
			.apiKey("unused")
			.maxRetries(0)
			.build();
	}

	@AfterAll
	static void stop() {
		client.close();
		proxy.close();
		simulator.close();
	}

	@Test
	void aWholeAnswersTokensAreCountedFromItsUsage() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model("whole")
				.addUserMessage("count the tokens of this prompt")
				.maxCompletionTokens(12)
				.putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
				.build());

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			String metrics = prometheus();
			assertThat(sum(metrics, "inference_objective_input_tokens", "whole"))
				.isEqualTo(completion.usage().orElseThrow().promptTokens());
			assertThat(sum(metrics, "inference_objective_output_tokens", "whole")).isEqualTo(12);
		});
		assertThat(count(prometheus(), "inference_objective_request_ttft_seconds", "whole")).isZero();
	}

	@Test
	void aStreamWhoseClientDidNotAskForUsageGetsNoneYetItsTokensAreCounted() {
		List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder()
			.model("plain-stream")
			.addUserMessage("stream without usage")
			.maxCompletionTokens(9)
			.putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
			.build());

		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.usage()).isEmpty();
			assertThat(chunk.choices()).isNotEmpty();
		});
		// The answer is counted once the proxy has finished with it, which may be just
		// after
		// the client read its end.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(sum(prometheus(), "inference_objective_output_tokens", "plain-stream"))
				.isEqualTo(9));
	}

	@Test
	void aStreamThatAskedForUsageKeepsItsUsageEvent() {
		List<ChatCompletionChunk> chunks = stream(ChatCompletionCreateParams.builder()
			.model("usage-stream")
			.addUserMessage("stream with usage")
			.maxCompletionTokens(7)
			.putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
			.build());

		assertThat(chunks.getLast().usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.completionTokens()).isEqualTo(7);
		});
		// The answer is counted once the proxy has finished with it, which may be just
		// after
		// the client read its end.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(sum(prometheus(), "inference_objective_output_tokens", "usage-stream"))
				.isEqualTo(7));
	}

	@Test
	void streamOptionsWithoutUsageAreKeptAndUsageIsAddedBesideThem() throws Exception {
		String body = "{\"model\":\"options-stream\",\"stream\":true,\"max_tokens\":5,\"ignore_eos\":true,"
				+ "\"stream_options\":{\"continuous_usage_stats\":false},"
				+ "\"messages\":[{\"role\":\"user\",\"content\":\"options kept\"}]}";

		HttpResponse<String> response = post(body);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).doesNotContain("\"usage\":{").endsWith("data: [DONE]\n\n");
		// The answer is counted once the proxy has finished with it, which may be just
		// after
		// the client read its end.
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(sum(prometheus(), "inference_objective_output_tokens", "options-stream"))
				.isEqualTo(5));
	}

	@Test
	void aStreamRecordsTimeToFirstTokenAndTimePerOutputToken() {
		stream(ChatCompletionCreateParams.builder()
			.model("paced")
			.addUserMessage("pace me")
			.maxCompletionTokens(20)
			.putAdditionalBodyProperty("ignore_eos", JsonValue.from(true))
			.build());

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(count(prometheus(), "inference_objective_request_tpot_seconds", "paced"))
				.isEqualTo(1));
		String metrics = prometheus();
		assertThat(count(metrics, "inference_objective_request_ttft_seconds", "paced")).isEqualTo(1);
		// Each token takes one engine step of 5 ms, so 19 tokens after the first take at
		// least 95 ms however the chunks bunch up on the way.
		assertThat(sum(metrics, "inference_objective_request_tpot_seconds", "paced")).isGreaterThanOrEqualTo(0.004);
	}

	private static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
		List<ChatCompletionChunk> chunks = new ArrayList<>();
		try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
			stream.stream().forEach(chunks::add);
		}
		return chunks;
	}

	private static double sum(String metrics, String name, String model) {
		return value(metrics, name + "_sum", model);
	}

	private static double count(String metrics, String name, String model) {
		return value(metrics, name + "_count", model);
	}

	private static double value(String metrics, String series, String model) {
		Matcher matcher = Pattern
			.compile("(?m)^" + series + "\\{model_name=\"" + Pattern.quote(model) + "\",[^}]*} (\\S+)$")
			.matcher(metrics);
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

	private HttpResponse<String> post(String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private String prometheus() {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/actuator/prometheus")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot read the proxy's metrics", ex);
		}
	}

}
