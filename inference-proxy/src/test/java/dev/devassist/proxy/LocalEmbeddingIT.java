package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The in-process all-MiniLM-L6-v2 pool, through the OpenAI Java SDK and raw HTTP: real
 * vectors, batching that changes no vector, and refusals of what it cannot take.
 */
class LocalEmbeddingIT {

	private static ConfigurableApplicationContext proxy;

	private static OpenAIClient client;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		proxy = ProxyIT.startProxy("proxy.pools.chat.model=unused", "proxy.pools.chat.backends=http://127.0.0.1:9",
				"proxy.local-embedding.enabled=true", "proxy.local-embedding.aliases=minilm");
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
	}

	@Test
	void textsOfLikeMeaningGetNearbyUnitVectors() {
		CreateEmbeddingResponse response = client.embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("all-minilm-l6-v2")
				.inputOfArrayOfStrings(List.of("How do I build the project?", "Which command builds the project?",
						"A recipe for banana bread"))
				.build());

		assertThat(response.data()).hasSize(3);
		List<float[]> vectors = response.data().stream().map((item) -> toArray(item.embedding())).toList();
		assertThat(vectors).allSatisfy((vector) -> {
			assertThat(vector).hasSize(384);
			assertThat(dot(vector, vector)).isCloseTo(1.0, within(1e-4));
		});
		assertThat(dot(vectors.get(0), vectors.get(1))).isGreaterThan(dot(vectors.get(0), vectors.get(2)) + 0.2);
		assertThat(response.usage().promptTokens()).isGreaterThan(10);
		assertThat(response.model()).isEqualTo("all-minilm-l6-v2");
	}

	@Test
	void base64AndAnAliasGiveTheSameVectorAsFloats() throws Exception {
		float[] floats = toArray(client.embeddings()
			.create(EmbeddingCreateParams.builder().model("all-minilm-l6-v2").input("retry policy").build())
			.data()
			.getFirst()
			.embedding());

		HttpResponse<String> response = post(
				"{\"model\":\"minilm\",\"input\":\"retry policy\"," + "\"encoding_format\":\"base64\"}");

		assertThat(response.statusCode()).isEqualTo(200);
		String encoded = response.body().replaceAll(".*\"embedding\":\"([^\"]+)\".*", "$1");
		ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
		float[] decoded = new float[bytes.remaining() / 4];
		bytes.asFloatBuffer().get(decoded);
		assertThat(decoded).containsExactly(floats, within(1e-6f));
	}

	@Test
	void concurrentRequestsShareModelRunsWithoutChangingAnyVector() throws Exception {
		String shortText = "where is the retry policy";
		float[] alone = embed(shortText);
		String longText = "The proxy forwards requests to replicas and batches embeddings for the local model. "
			.repeat(6);

		List<CompletableFuture<HttpResponse<String>>> burst = IntStream.range(0, 24)
			.mapToObj(
					(i) -> this.http.sendAsync(
							request("{\"model\":\"all-minilm-l6-v2\",\"input\":\""
									+ ((i % 2 == 0) ? shortText : longText + i) + "\"}"),
							HttpResponse.BodyHandlers.ofString()))
			.toList();
		List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();

		assertThat(answers).allSatisfy((answer) -> assertThat(answer.statusCode()).isEqualTo(200));
		for (int i = 0; i < answers.size(); i += 2) {
			assertThat(parse(answers.get(i).body())).containsExactly(alone, within(1e-5f));
		}
		String metrics = this.http
			.send(HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		double runs = value(metrics, "devassist_proxy_batch_size_count{pool=\"all-minilm-l6-v2\"}");
		double texts = value(metrics, "devassist_proxy_batch_size_sum{pool=\"all-minilm-l6-v2\"}");
		double largest = value(metrics, "devassist_proxy_batch_size_max{pool=\"all-minilm-l6-v2\"}");
		assertThat(texts).isGreaterThan(runs);
		assertThat(largest).isGreaterThan(1);
	}

	@Test
	void theLocalModelIsListedWithItsAlias() throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/v1/models")).build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(response.body()).contains("\"id\":\"all-minilm-l6-v2\"")
			.contains("\"id\":\"minilm\"")
			.contains("\"pool\":\"local\"");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			{"model":"all-minilm-l6-v2","input":[1,2,3]}                       | 400 | does not take token ids
			{"model":"all-minilm-l6-v2","input":[]}                            | 400 | non-empty string or array
			{"model":"all-minilm-l6-v2"}                                       | 400 | Field 'input' is required
			{"model":"all-minilm-l6-v2","input":""}                            | 400 | must not contain empty strings
			{"model":"all-minilm-l6-v2","input":{"text":"x"}}                  | 400 | non-empty string or array
			{"model":"all-minilm-l6-v2","input":"x","encoding_format":"hex"}   | 400 | 'encoding_format' must be
			{"model":"all-minilm-l6-v2","input":"x","dimensions":512}          | 400 | 'dimensions' can only be 384
			{"model":"all-minilm-l6-v2","input":"x","dimensions":"384"}        | 400 | 'dimensions' can only be 384
			{"model":"all-minilm-l6-v2","input":"x"                            | 400 | not valid JSON
			""")
	void badInputIsRefusedByName(String body, int status, String message) throws Exception {
		HttpResponse<String> response = post(body);

		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.body()).contains(message).contains("\"type\":\"BadRequestError\"");
	}

	@Test
	void chatWithTheEmbeddingModelIsANotFound() throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/v1/chat/completions"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers
					.ofString("{\"model\":\"all-minilm-l6-v2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(404);
		assertThat(response.body()).contains("only serves /v1/embeddings");
	}

	@Test
	void tooManyInputsAreRefused() throws Exception {
		String inputs = String.join(",", IntStream.range(0, 2049).mapToObj((i) -> "\"t\"").toList());

		HttpResponse<String> response = post("{\"model\":\"all-minilm-l6-v2\",\"input\":[" + inputs + "]}");

		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.body()).contains("at most 2048");
	}

	private float[] embed(String text) throws Exception {
		HttpResponse<String> response = post("{\"model\":\"all-minilm-l6-v2\",\"input\":\"" + text + "\"}");
		assertThat(response.statusCode()).isEqualTo(200);
		return parse(response.body());
	}

	private static float[] parse(String body) {
		String list = body.substring(body.indexOf("\"embedding\":[") + 13);
		String[] numbers = list.substring(0, list.indexOf(']')).split(",");
		float[] vector = new float[numbers.length];
		for (int i = 0; i < numbers.length; i++) {
			vector[i] = Float.parseFloat(numbers[i]);
		}
		return vector;
	}

	private HttpResponse<String> post(String body) throws Exception {
		return this.http.send(request(body), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(String body) {
		return HttpRequest.newBuilder(URI.create(ProxyIT.baseUrl(proxy) + "/v1/embeddings"))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private static double value(String metrics, String prefix) {
		return metrics.lines()
			.filter((line) -> line.startsWith(prefix))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.findFirst()
			.orElse(0);
	}

	private static float[] toArray(List<Float> values) {
		float[] array = new float[values.size()];
		for (int i = 0; i < array.length; i++) {
			array[i] = values.get(i);
		}
		return array;
	}

	private static double dot(float[] a, float[] b) {
		double sum = 0;
		for (int i = 0; i < a.length; i++) {
			sum += a[i] * b[i];
		}
		return sum;
	}

}
