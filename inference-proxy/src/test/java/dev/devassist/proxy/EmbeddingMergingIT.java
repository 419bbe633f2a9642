package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent embedding requests merged into one call to a real simulator and split back.
 * The simulator's vectors depend only on the text, so each answer can be checked against
 * the vector of its text asked for alone. A batch is sent when it holds 16 texts or after
 * a second.
 */
class EmbeddingMergingIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String MODEL = "sim-embedding";

	private static SimulatorProcess simulator;

	private static ConfigurableApplicationContext proxy;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		simulator = SimulatorProcess.start("--simulator.max-model-len=64");
		proxy = ProxyIT.startProxy("proxy.pools.embedding.model=" + MODEL,
				"proxy.pools.embedding.backends=" + simulator.url(), "proxy.pools.embedding.batching.max-inputs=16",
				"proxy.pools.embedding.batching.max-wait=1s");
	}

	@AfterAll
	static void stop() {
		proxy.close();
		simulator.close();
	}

	@Test
	void concurrentRequestsShareOneCallAndEachGetsTheVectorOfItsOwnText() {
		List<String> texts = IntStream.range(0, 16).mapToObj((i) -> "merge text number " + i).toList();

		double callsBefore = batchMetric("count");
		double textsBefore = batchMetric("sum");

		List<HttpResponse<String>> answers = concurrently(texts);

		assertThat(answers).allSatisfy((answer) -> assertThat(answer.statusCode()).isEqualTo(200));
		for (int i = 0; i < texts.size(); i++) {
			assertThat(vector(answers.get(i).body())).isEqualTo(vector(direct(texts.get(i))));
		}
		assertThat(batchMetric("count") - callsBefore).isEqualTo(1);
		assertThat(batchMetric("sum") - textsBefore).isEqualTo(16);
	}

	@Test
	void aRequestTheReplicaRefusesFailsAloneWhileTheOthersInItsBatchAreAnswered() {
		List<String> texts = List.of("short one", "word ".repeat(200), "short two", "short three", "short four",
				"short five", "short six", "short seven");

		List<HttpResponse<String>> answers = concurrently(texts);

		assertThat(answers.get(1).statusCode()).isEqualTo(400);
		assertThat(answers.get(1).body()).contains("maximum context length");
		assertThat(answers.get(0).statusCode()).isEqualTo(200);
		assertThat(vector(answers.get(7).body())).isEqualTo(vector(direct("short seven")));
	}

	@Test
	void theSharesOfAMergedUsageAddUpToTheReplicasTotal() {
		List<String> texts = List.of("alpha beta", "gamma delta epsilon zeta", "eta");

		List<HttpResponse<String>> answers = concurrently(texts);

		long shares = answers.stream()
			.mapToLong((answer) -> tree(answer.body()).at("/usage/prompt_tokens").asLong())
			.sum();
		long total = tree(post(body("[\"alpha beta\",\"gamma delta epsilon zeta\",\"eta\"]"), "/v1/embeddings").body())
			.at("/usage/prompt_tokens")
			.asLong();
		assertThat(shares).isBetween(total - 1, total + 1);
	}

	@Test
	void aRequestThatCannotBeMergedGoesToTheReplicaAsItCame() {
		double callsBefore = batchMetric("count");

		HttpResponse<String> answer = post(body("[[101,102,103]]"), "/v1/embeddings");

		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(tree(answer.body()).at("/data/0/embedding").size()).isEqualTo(384);
		assertThat(batchMetric("count")).isEqualTo(callsBefore);
	}

	private List<HttpResponse<String>> concurrently(List<String> texts) {
		List<CompletableFuture<HttpResponse<String>>> futures = texts.stream()
			.map((text) -> this.http.sendAsync(request(body(JSON.writeValueAsString(text)), "/v1/embeddings"),
					HttpResponse.BodyHandlers.ofString()))
			.toList();
		return futures.stream().map(CompletableFuture::join).toList();
	}

	private String direct(String text) {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create(simulator.url() + "/v1/embeddings"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(body(JSON.writeValueAsString(text))))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String body(String input) {
		return "{\"model\":\"" + MODEL + "\",\"input\":" + input + "}";
	}

	private static JsonNode vector(String body) {
		return tree(body).at("/data/0/embedding");
	}

	private static JsonNode tree(String body) {
		return JSON.readTree(body);
	}

	private double batchMetric(String suffix) {
		Matcher matcher = Pattern.compile("devassist_proxy_batch_size_" + suffix + "\\{pool=\"embedding\"} (\\S+)")
			.matcher(post(null, "/actuator/prometheus").body());
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
	}

	private HttpRequest request(String body, String path) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + path));
		return (body != null) ? builder.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build() : builder.build();
	}

	private HttpResponse<String> post(String body, String path) {
		try {
			return this.http.send(request(body, path), HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
