package dev.devassist.simulator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.RateLimitException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.devassist.simulator.tokens.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Drives the simulator with the official OpenAI Java SDK, as the platform's services and
 * IDE plugins will.
 */
class OpenAiClientIT {

	private static RunningSimulator simulator;

	private static OpenAIClient client;

	@BeforeAll
	static void start() {
		simulator = RunningSimulator.start("simulator.max-model-len=4096", "simulator.model-aliases=llama-8b");
		client = client(simulator, "unused", Duration.ofSeconds(30));
	}

	@AfterAll
	static void stop() {
		client.close();
		simulator.close();
	}

	@Test
	void chatCompletionEchoesTheQuestionWithUsage() {
		int questionTokens = new Tokenizer().count("Where is the retry policy configured?");

		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model(RunningSimulator.MODEL)
				.addUserMessage("Where is the retry policy configured?")
				.maxCompletionTokens(100)
				.build());

		assertThat(completion.choices()).singleElement().satisfies((choice) -> {
			assertThat(choice.message().content()).contains("Where is the retry policy configured?");
			assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		});
		assertThat(completion.usage()).hasValueSatisfying((usage) -> {
			assertThat(usage.completionTokens()).isEqualTo(questionTokens);
			assertThat(usage.totalTokens()).isEqualTo(usage.promptTokens() + questionTokens);
		});
		assertThat(completion.model()).isEqualTo(RunningSimulator.MODEL);
	}

	@Test
	void chatCompletionAnswersUnderAnAliasAndWithSeveralChoices() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model("llama-8b")
				.addUserMessage("one two three")
				.n(3)
				.maxCompletionTokens(2)
				.build());

		assertThat(completion.choices()).hasSize(3)
			.allSatisfy(
					(choice) -> assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH));
		assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(6);
	}

	@Test
	void streamedChatCompletionArrivesTokenByTokenAndEndsWithUsage() {
		ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
			.model(RunningSimulator.MODEL)
			.addUserMessage("stream these five words")
			.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
			.build();
		List<ChatCompletionChunk> chunks = new ArrayList<>();

		try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
			stream.stream().forEach(chunks::add);
		}

		StringBuilder text = new StringBuilder();
		chunks.stream()
			.flatMap((chunk) -> chunk.choices().stream())
			.forEach((choice) -> choice.delta().content().ifPresent(text::append));
		assertThat(text).hasToString("stream these five words");
		assertThat(chunks.getFirst().choices().getFirst().delta().role()).isPresent();
		assertThat(chunks.getLast().choices()).isEmpty();
		assertThat(chunks.getLast().usage())
			.hasValueSatisfying((usage) -> assertThat(usage.completionTokens()).isEqualTo(chunks.size() - 2));
	}

	@Test
	void logprobsRankTheSampledTokenFirst() {
		ChatCompletion completion = client.chat()
			.completions()
			.create(ChatCompletionCreateParams.builder()
				.model(RunningSimulator.MODEL)
				.addUserMessage("rank the tokens")
				.logprobs(true)
				.topLogprobs(3)
				.build());

		var content = completion.choices().getFirst().logprobs().orElseThrow().content().orElseThrow();
		assertThat(content).extracting((entry) -> entry.token()).containsExactly("rank", " the", " tokens");
		assertThat(content).allSatisfy((entry) -> {
			assertThat(entry.topLogprobs()).hasSize(3);
			assertThat(entry.topLogprobs().getFirst().token()).isEqualTo(entry.token());
			assertThat(entry.logprob()).isLessThanOrEqualTo(0);
		});
	}

	@Test
	void completionAnswersEachPromptOfABatch() {
		Completion completion = client.completions()
			.create(CompletionCreateParams.builder()
				.model(RunningSimulator.MODEL)
				.promptOfArrayOfStrings(List.of("first prompt", "second prompt"))
				.maxTokens(10)
				.stop(" prompt")
				.build());

		assertThat(completion.choices()).extracting((choice) -> choice.text()).containsExactly("first", "second");
		assertThat(completion.choices().getFirst().finishReason())
			.isEqualTo(com.openai.models.completions.CompletionChoice.FinishReason.STOP);
	}

	@Test
	void streamedCompletionEndsWithTheFinishReason() {
		List<String> pieces = new ArrayList<>();
		List<String> reasons = new ArrayList<>();

		try (StreamResponse<Completion> stream = client.completions()
			.createStreaming(CompletionCreateParams.builder()
				.model(RunningSimulator.MODEL)
				.prompt("tokens come one by one")
				.maxTokens(3)
				.build())) {
			stream.stream().flatMap((chunk) -> chunk.choices().stream()).forEach((choice) -> {
				pieces.add(choice.text());
				reasons.add(choice._finishReason().asKnown().map(Object::toString).orElse(""));
			});
		}

		assertThat(pieces).containsExactly("tokens", " come", " one");
		assertThat(reasons.getLast()).isEqualTo("length");
	}

	@Test
	void embeddingsAreDeterministicUnitVectorsInBothEncodings() {
		CreateEmbeddingResponse floats = client.embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("sim-embedding")
				.input("the inference proxy routes requests")
				.encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
				.build());
		CreateEmbeddingResponse base64 = client.embeddings()
			.create(EmbeddingCreateParams.builder()
				.model("sim-embedding")
				.input("the inference proxy routes requests")
				.encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64)
				.build());

		List<Float> vector = floats.data().getFirst().embedding();
		assertThat(vector).hasSize(384);
		assertThat(vector.stream().mapToDouble((value) -> value * value).sum()).isCloseTo(1.0,
				org.assertj.core.data.Offset.offset(1e-4));
		assertThat(base64.data().getFirst().embedding()).isEqualTo(vector);
		assertThat(floats.usage().promptTokens())
			.isEqualTo(new Tokenizer().count("the inference proxy routes requests"));
	}

	@Test
	void modelsListsEveryServedName() {
		List<Model> models = client.models().list().data();

		assertThat(models).extracting(Model::id).containsExactly(RunningSimulator.MODEL, "llama-8b", "sim-embedding");
		assertThat(models).allSatisfy((model) -> assertThat(model.ownedBy()).isEqualTo("vllm"));
	}

	@Test
	void aToolCallIsMadeAndTheToolResultIsAnswered() {
		FunctionDefinition search = FunctionDefinition.builder()
			.name("search_code")
			.parameters(FunctionParameters.builder()
				.putAdditionalProperty("type", JsonValue.from("object"))
				.putAdditionalProperty("properties", JsonValue.from(Map.of("query", Map.of("type", "string"))))
				.putAdditionalProperty("required", JsonValue.from(List.of("query")))
				.build())
			.build();
		ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder()
			.model(RunningSimulator.MODEL)
			.addUserMessage("Use search_code to find RetryPolicy")
			.addFunctionTool(search)
			.build();

		ChatCompletion first = client.chat().completions().create(ask);
		ChatCompletionMessageToolCall call = first.choices().getFirst().message().toolCalls().orElseThrow().getFirst();
		ChatCompletion second = client.chat()
			.completions()
			.create(ask.toBuilder()
				.addMessage(first.choices().getFirst().message())
				.addMessage(ChatCompletionToolMessageParam.builder()
					.toolCallId(call.asFunction().id())
					.content("RetryPolicy is in proxy/RetryPolicy.java, lines 10-42")
					.build())
				.build());

		assertThat(first.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		assertThat(call.asFunction().function().name()).isEqualTo("search_code");
		assertThat(call.asFunction().function().arguments())
			.isEqualTo("{\"query\":\"Use search_code to find RetryPolicy\"}");
		assertThat(second.choices().getFirst().message().content())
			.hasValue("RetryPolicy is in proxy/RetryPolicy.java, lines 10-42");
	}

	@Test
	void streamedToolCallsCarryTheNameFirstAndTheArgumentsInPieces() {
		ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
			.model(RunningSimulator.MODEL)
			.addUserMessage("call search_code {\"query\": \"Engine step\"}")
			.addFunctionTool(FunctionDefinition.builder().name("search_code").build())
			.build();
		StringBuilder arguments = new StringBuilder();
		List<String> names = new ArrayList<>();
		List<String> finishReasons = new ArrayList<>();

		try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
			stream.stream().flatMap((chunk) -> chunk.choices().stream()).forEach((choice) -> {
				choice.delta().toolCalls().ifPresent((calls) -> calls.forEach((call) -> {
					call.function().flatMap((function) -> function.name()).ifPresent(names::add);
					call.function().flatMap((function) -> function.arguments()).ifPresent(arguments::append);
				}));
				choice.finishReason().ifPresent((reason) -> finishReasons.add(reason.asString()));
			});
		}

		assertThat(names).containsExactly("search_code");
		assertThat(arguments).hasToString("{\"query\":\"Engine step\"}");
		assertThat(finishReasons).containsExactly("tool_calls");
	}

	@Test
	void anUnknownModelIsNotFound() {
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> client.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build()))
			.withMessageContaining("The model `gpt-4o` does not exist.");
	}

	@Test
	void aPromptPlusMaxTokensBeyondTheContextIsABadRequest() {
		assertThatExceptionOfType(BadRequestException.class)
			.isThrownBy(() -> client.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder()
					.model(RunningSimulator.MODEL)
					.addUserMessage("hello")
					.maxCompletionTokens(5000)
					.build()))
			.withMessageContaining("'max_tokens' or 'max_completion_tokens' is too large: 5000")
			.withMessageContaining("maximum context length is 4096 tokens");
	}

	@Test
	void aPromptLongerThanTheContextIsABadRequest() {
		String longPrompt = "word ".repeat(5000);

		assertThatExceptionOfType(BadRequestException.class)
			.isThrownBy(() -> client.completions()
				.create(CompletionCreateParams.builder().model(RunningSimulator.MODEL).prompt(longPrompt).build()))
			.withMessageContaining("However, your request has");
	}

	@Test
	void embeddingsOnTheGenerationModelAreABadRequest() {
		assertThatExceptionOfType(BadRequestException.class)
			.isThrownBy(() -> client.embeddings()
				.create(EmbeddingCreateParams.builder().model(RunningSimulator.MODEL).input("x").build()))
			.withMessageContaining("does not support Embeddings API");
	}

	@Test
	void injectedFaultsSurfaceAsTheSdksOwnErrors() {
		try (RunningSimulator faulty = RunningSimulator.start("simulator.faults.error-rate=1",
				"simulator.faults.error-statuses=429,500,503")) {
			OpenAIClient sdk = client(faulty, "unused", Duration.ofSeconds(30));
			ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
				.model(RunningSimulator.MODEL)
				.addUserMessage("hi")
				.build();

			assertThatExceptionOfType(RateLimitException.class)
				.isThrownBy(() -> sdk.chat().completions().create(params));
			assertThatExceptionOfType(InternalServerException.class)
				.isThrownBy(() -> sdk.chat().completions().create(params))
				.satisfies((error) -> assertThat(error.statusCode()).isEqualTo(500));
			assertThatExceptionOfType(InternalServerException.class)
				.isThrownBy(() -> sdk.chat().completions().create(params))
				.satisfies((error) -> assertThat(error.statusCode()).isEqualTo(503));
			sdk.close();
		}
	}

	@Test
	void aCutStreamFailsTheSdksStreamInsteadOfEndingQuietly() {
		try (RunningSimulator cutting = RunningSimulator.start("simulator.faults.cut-stream-after-tokens=2")) {
			OpenAIClient sdk = client(cutting, "unused", Duration.ofSeconds(30));
			ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
				.model(RunningSimulator.MODEL)
				.addUserMessage("this stream will not finish")
				.build();

			assertThatExceptionOfType(OpenAIException.class).isThrownBy(() -> {
				try (StreamResponse<ChatCompletionChunk> stream = sdk.chat().completions().createStreaming(params)) {
					stream.stream().forEach((chunk) -> {
					});
				}
			});
			sdk.close();
		}
	}

	@Test
	void aHangEndsInTheSdksTimeout() {
		try (RunningSimulator hanging = RunningSimulator.start("simulator.faults.hang=true")) {
			OpenAIClient sdk = client(hanging, "unused", Duration.ofMillis(800));

			assertThatExceptionOfType(OpenAIIoException.class).isThrownBy(() -> sdk.chat()
				.completions()
				.create(ChatCompletionCreateParams.builder()
					.model(RunningSimulator.MODEL)
					.addUserMessage("hi")
					.build()));
			sdk.close();
		}
	}

	@Test
	void aWrongApiKeyIsUnauthorizedWhenAKeyIsSet() {
		try (RunningSimulator guarded = RunningSimulator.start("simulator.api-key=s3cret")) {
			OpenAIClient wrong = client(guarded, "guess", Duration.ofSeconds(30));
			OpenAIClient right = client(guarded, "s3cret", Duration.ofSeconds(30));

			assertThatExceptionOfType(UnauthorizedException.class).isThrownBy(() -> wrong.models().list());
			assertThat(right.models().list().data()).isNotEmpty();
			wrong.close();
			right.close();
		}
	}

	private static OpenAIClient client(RunningSimulator target, String apiKey, Duration timeout) {
		return OpenAIOkHttpClient.builder()
			.baseUrl(target.baseUrl() + "/v1")
			.apiKey(apiKey)
			.maxRetries(0)
			.timeout(timeout)
			.build();
	}

}
