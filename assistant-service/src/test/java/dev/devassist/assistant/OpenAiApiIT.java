package dev.devassist.assistant;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The IDE-facing OpenAI API driven by the official OpenAI Java SDK, as IDE plugins drive
 * it: models, grounded chat completions streamed and not, and raw models passed through
 * to the inference proxy.
 */
class OpenAiApiIT {

	static ConfigurableApplicationContext service;

	static OpenAIClient client;

	static Api api;

	@BeforeAll
	static void start() {
		TestPlatform platform = TestPlatform.get();
		AssistantServiceIT.platform = platform;
		AssistantServiceIT.rag = new Api(platform.ragUrl(), platform);
		AssistantServiceIT.index("ide", Map.of("src/SettingsParser.java", AssistantServiceIT.PARSER,
				"docs/operations.md", AssistantServiceIT.GUIDE));
		service = new SpringApplicationBuilder(AssistantServiceApplication.class).run(platform.arguments());
		String base = "http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port");
		api = new Api(base, platform);
		client = OpenAIOkHttpClient.builder()
			.baseUrl(base + "/v1")
			.apiKey(platform.token("ide"))
			.maxRetries(0)
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	@AfterAll
	static void stop() {
		client.close();
		service.close();
	}

	@Test
	void whenModelsAreListedThenDevAssistsAndTheProxysModelsAreThere() {
		List<String> ids = client.models().list().data().stream().map(Model::id).toList();

		assertThat(ids).contains("devassist", "devassist-agent", TestPlatform.MODEL);
	}

	@Test
	void whenAGroundedCompletionIsAskedThenItAnswersWithItsSourcesAppended() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model("devassist")
				.addSystemMessage("You are in an IDE.")
				.addUserMessage("How are the settings parsed?")
				.build());

		String content = completion.choices().getFirst().message().content().orElseThrow();
		assertThat(content).contains("[1]").contains("Sources:").containsPattern("\\[1] \\S+:\\d+-\\d+");
		assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();
		assertThat(completion._additionalProperties()).containsKey("citations");
	}

	@Test
	void whenAGroundedCompletionIsStreamedThenTheChunksCarryTheAnswerAndItsSources() {
		ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
			.model("devassist")
			.addUserMessage("How are the settings parsed?")
			.build();
		List<ChatCompletionChunk> chunks = new ArrayList<>();

		try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
			stream.stream().forEach(chunks::add);
		}

		StringBuilder text = new StringBuilder();
		chunks.stream()
			.flatMap((chunk) -> chunk.choices().stream())
			.forEach((choice) -> choice.delta().content().ifPresent(text::append));
		assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
		assertThat(text.toString()).contains("[1]").contains("Sources:");
		assertThat(chunks.getLast().choices().getFirst().finishReason()).isPresent();
	}

	@Test
	void whenARawModelIsAskedThenTheProxyAnswersThroughUnchanged() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model(TestPlatform.MODEL)
				.addUserMessage("echo this back")
				.maxCompletionTokens(20)
				.build());

		assertThat(completion.model()).isEqualTo(TestPlatform.MODEL);
		assertThat(completion.choices().getFirst().message().content().orElseThrow()).contains("echo this back");
	}

	@Test
	void whenARawModelIsStreamedThenTheProxysChunksPassThrough() {
		List<ChatCompletionChunk> chunks = new ArrayList<>();

		try (StreamResponse<ChatCompletionChunk> stream = client.chat()
			.completions()
			.createStreaming(ChatCompletionCreateParams.builder()
				.model(TestPlatform.MODEL)
				.addUserMessage("stream this back")
				.maxCompletionTokens(20)
				.build())) {
			stream.stream().forEach(chunks::add);
		}

		assertThat(chunks).isNotEmpty();
		assertThat(chunks.getFirst().model()).isEqualTo(TestPlatform.MODEL);
	}

	@Test
	void whenTheRequestIsMalformedThenTheErrorHasOpenAisShape() {
		HttpResponse<String> noMessages = api.post("ide", "/v1/chat/completions", Map.of("model", "devassist"));
		HttpResponse<String> assistantLast = api.post("ide", "/v1/chat/completions", Map.of("model", "devassist",
				"messages", List.of(Map.of("role", "assistant", "content", "I spoke last"))));
		HttpResponse<String> notJson = api.post("ide", "/v1/chat/completions", "{\"model\":");

		for (HttpResponse<String> response : List.of(noMessages, assistantLast, notJson)) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
			JsonNode error = Api.json(response).path("error");
			assertThat(error.path("message").asString()).isNotBlank();
			assertThat(error.path("type").asString()).isEqualTo("invalid_request_error");
		}
		assertThatExceptionOfType(BadRequestException.class).isThrownBy(() -> client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model("devassist")
				.addAssistantMessage("no question")
				.build()));
	}

}
