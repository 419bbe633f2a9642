package dev.devassist.assistant.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.devassist.assistant.AssistantProperties;
import dev.devassist.assistant.Identity;
import dev.devassist.assistant.RedisCache;
import dev.devassist.assistant.agent.AgentTools;
import dev.devassist.assistant.conversation.ConversationRepository;
import dev.devassist.assistant.conversation.Ids;
import dev.devassist.assistant.conversation.Message;
import dev.devassist.assistant.grounding.PromptBuilder;
import dev.devassist.assistant.grounding.PromptTooLongException;
import dev.devassist.assistant.grounding.RagClient;
import dev.devassist.assistant.inference.InferenceClient;
import dev.devassist.assistant.inference.ModelMessage;
import dev.devassist.assistant.inference.Priority;
import dev.devassist.platform.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.devassist.assistant.grounding.Retrieval;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Starts chat turns: writes the user's message before anything is generated, then answers
 * it on its own, detached from any client connection, into the turn's event stream.
 */
public class ChatService {

	private static final Logger logger = LoggerFactory.getLogger(ChatService.class);

	private final ConversationRepository conversations;

	private final RagClient rag;

	private final InferenceClient inference;

	private final PromptBuilder prompts;

	private final AgentTools tools;

	private final RedisCache cache;

	private final AssistantProperties properties;

	private final ChatTurns turns;

	private final MeterRegistry registry;

	private final Timer firstToken;

	ChatService(ConversationRepository conversations, RagClient rag, InferenceClient inference, PromptBuilder prompts,
			AgentTools tools, RedisCache cache, AssistantProperties properties, ChatTurns turns,
			MeterRegistry registry) {
		this.conversations = conversations;
		this.rag = rag;
		this.inference = inference;
		this.prompts = prompts;
		this.tools = tools;
		this.cache = cache;
		this.properties = properties;
		this.turns = turns;
		this.registry = registry;
		this.firstToken = Timer.builder("assistant.answer.first.token")
			.description("Time from a question's arrival to its answer's first text")
			.publishPercentileHistogram()
			.register(registry);
	}

	/**
	 * Checks a message and starts its turn.
	 * @param identity who asks
	 * @param request the message and its options
	 * @param priority the caller's band at the inference proxy
	 * @return the turn, generating
	 * @throws ApiException 400 for bad input, 404 for a conversation not the caller's
	 */
	Mono<ChatTurn> start(Identity identity, ChatRequest request, Priority priority) {
		return start(identity, request, priority, null);
	}

	/**
	 * Checks a message and starts its turn, with the history a client keeps itself (an
	 * IDE) instead of the conversation's.
	 * @param identity who asks
	 * @param request the message and its options
	 * @param priority the caller's band at the inference proxy
	 * @param history the earlier messages, oldest first, or {@code null} for the
	 * conversation's own
	 * @return the turn, generating
	 */
	public Mono<ChatTurn> start(Identity identity, ChatRequest request, Priority priority,
			@Nullable List<ModelMessage> history) {
		long arrived = System.nanoTime();
		request.check(this.properties.chat().maxMessageChars());
		String question = request.message().strip();
		int room = this.prompts.questionRoom();
		int tokens = this.prompts.count(question);
		if (tokens > room) {
			throw ApiException.invalid("message", new PromptTooLongException(tokens, room).getMessage());
		}
		this.turns.checkRoom();
		String model = (request.model() != null) ? request.model() : this.properties.inference().model();
		String mode = request.modeOrDefault();
		ConversationRepository.Owner owner = new ConversationRepository.Owner(identity.tenant(),
				identity.caller().subject());
		// Evidence is looked up while the user's message is written: the critical path is
		// the longer of the two, not their sum. Nothing is generated before both are
		// done.
		Mono<Retrieval> retrieval = this.rag.retrieve(identity, question, request.filters()).cache();
		Disposable early = retrieval.subscribe(null, (ex) -> logger.debug("Early retrieval failed: {}", ex.toString()));
		int historyLimit = (history != null) ? 0 : this.properties.chat().historyMessages();
		return Mono
			.fromCallable(() -> this.conversations
				.startTurn(owner, request.conversationId(), question, Titles.fromMessage(question), model, mode,
						historyLimit)
				.orElseThrow(() -> ApiException.notFound("There is no conversation " + request.conversationId() + ".")))
			.subscribeOn(Schedulers.boundedElastic())
			.doOnError((ex) -> early.dispose())
			.map((started) -> {
				ChatTurn turn = new ChatTurn(Ids.next("turn"), identity.tenant(), owner.subject(),
						started.conversation().id(), started.answerId(), this.properties.chat().maxBufferedEvents());
				this.turns.add(turn);
				List<ModelMessage> earlier = (history != null) ? history : history(started.earlier());
				Answering answering = new Answering(this, identity, request, question, model, mode, priority, turn,
						started, arrived, earlier, retrieval);
				answering.run()
					.subscribe(null,
							(ex) -> logger.error("Chat turn {} failed outside its own handling.", turn.id(), ex));
				return turn;
			});
	}

	/**
	 * Asks and follows the answer, for callers outside this package (the OpenAI API).
	 * @param identity who asks
	 * @param request the message and its options
	 * @param priority the caller's band
	 * @param history the client's own history, or {@code null} for the conversation's
	 * @return the turn's events, up to and including {@code done}
	 */
	public Flux<ChatEvent> ask(Identity identity, ChatRequest request, Priority priority,
			@Nullable List<ModelMessage> history) {
		// An IDE that hangs up will not come back for the rest, so its turn stops.
		return start(identity, request, priority, history)
			.flatMapMany((turn) -> turn.events(0).doOnCancel(() -> turn.stop("interrupted")))
			.takeUntil(ChatEvent::last);
	}

	/**
	 * A caller's turn, to resume or stop.
	 * @param identity the caller
	 * @param turnId the turn
	 * @return it
	 * @throws ApiException 404 when it is not the caller's or no longer kept
	 */
	ChatTurn turn(Identity identity, String turnId) {
		return this.turns.find(identity.tenant(), identity.caller().subject(), turnId)
			.orElseThrow(() -> ApiException.notFound("There is no chat turn " + turnId
					+ " to follow; it may have ended more than " + this.properties.chat().resumeWindow() + " ago."));
	}

	private List<ModelMessage> history(List<Message> messages) {
		List<ModelMessage> history = new ArrayList<>();
		for (Message message : messages) {
			if (message.content().isBlank() || message.status().equals("failed")) {
				continue;
			}
			history.add(message.role().equals("user") ? ModelMessage.user(message.content())
					: ModelMessage.assistant(message.content()));
		}
		return List.copyOf(history);
	}

	ConversationRepository conversations() {
		return this.conversations;
	}

	RagClient rag() {
		return this.rag;
	}

	InferenceClient inference() {
		return this.inference;
	}

	PromptBuilder prompts() {
		return this.prompts;
	}

	AgentTools tools() {
		return this.tools;
	}

	RedisCache cache() {
		return this.cache;
	}

	AssistantProperties properties() {
		return this.properties;
	}

	void recordFirstToken(long nanos) {
		this.firstToken.record(nanos, TimeUnit.NANOSECONDS);
	}

	void recordAnswer(String mode, String status, Duration latency) {
		this.registry.counter("assistant.answers", "mode", mode, "status", status).increment();
		this.registry.timer("assistant.answer.duration", "mode", mode).record(latency);
	}

}
