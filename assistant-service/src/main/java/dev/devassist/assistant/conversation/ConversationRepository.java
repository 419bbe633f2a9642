package dev.devassist.assistant.conversation;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Conversations and messages in PostgreSQL. Every query is scoped by tenant, and every
 * query a user's request makes by its owner too, so nothing crosses either.
 */
public class ConversationRepository {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final TypeReference<List<Citation>> CITATIONS = new TypeReference<>() {
	};

	private static final TypeReference<List<ToolStep>> TOOL_STEPS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	public ConversationRepository(JdbcClient jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Starts a conversation.
	 * @param owner who it belongs to
	 * @param title its first title
	 * @return it
	 */
	public Conversation create(Owner owner, String title) {
		String id = Ids.next("conv");
		return this.jdbc
			.sql("insert into conversation (id, tenant, owner, title) values (:id, :tenant, :owner, :title)"
					+ " returning id, title, created_at, updated_at")
			.param("id", id)
			.param("tenant", owner.tenant())
			.param("owner", owner.subject())
			.param("title", title)
			.query(ConversationRepository::conversation)
			.single();
	}

	public Optional<Conversation> find(Owner owner, String id) {
		return this.jdbc
			.sql("select id, title, created_at, updated_at from conversation"
					+ " where id = :id and tenant = :tenant and owner = :owner")
			.param("id", id)
			.param("tenant", owner.tenant())
			.param("owner", owner.subject())
			.query(ConversationRepository::conversation)
			.optional();
	}

	/**
	 * Lists an owner's conversations, newest first.
	 * @param owner whose
	 * @param search words that must occur in the title or in a message, or {@code null}
	 * @param before a cursor from the previous page, or {@code null}
	 * @param limit the page's size
	 * @return the page
	 */
	public List<Conversation> list(Owner owner, @Nullable String search, @Nullable Cursor before, int limit) {
		StringBuilder sql = new StringBuilder(
				"select c.id, c.title, c.created_at, c.updated_at from conversation c where c.tenant = :tenant"
						+ " and c.owner = :owner");
		if (before != null) {
			sql.append(" and (c.updated_at, c.id) < (:beforeAt, :beforeId)");
		}
		if (search != null) {
			// Words match by full-text search; the title also matches by substring, so a
			// half-typed word still finds its conversation.
			sql.append(" and (to_tsvector('simple', c.title) @@ plainto_tsquery('simple', :search)")
				.append(" or c.title ilike :pattern escape '\\'")
				.append(" or exists (select 1 from message m where m.conversation_id = c.id and m.tenant = :tenant")
				.append(" and to_tsvector('simple', m.content) @@ plainto_tsquery('simple', :search)))");
		}
		sql.append(" order by c.updated_at desc, c.id desc limit :limit");
		JdbcClient.StatementSpec statement = this.jdbc.sql(sql.toString())
			.param("tenant", owner.tenant())
			.param("owner", owner.subject())
			.param("limit", limit);
		if (before != null) {
			statement = statement.param("beforeAt", Timestamp.from(before.updatedAt())).param("beforeId", before.id());
		}
		if (search != null) {
			statement = statement.param("search", search).param("pattern", "%" + likeEscaped(search) + "%");
		}
		return statement.query(ConversationRepository::conversation).list();
	}

	public boolean rename(Owner owner, String id, String title) {
		return this.jdbc
			.sql("update conversation set title = :title, titled_by = 'user', updated_at = now()"
					+ " where id = :id and tenant = :tenant and owner = :owner")
			.param("title", title)
			.param("id", id)
			.param("tenant", owner.tenant())
			.param("owner", owner.subject())
			.update() == 1;
	}

	/**
	 * Replaces a conversation's first title by a generated one, unless its user renamed
	 * it in the meantime.
	 * @param tenant its tenant
	 * @param id the conversation
	 * @param title the generated title
	 */
	public void generatedTitle(String tenant, String id, String title) {
		this.jdbc
			.sql("update conversation set title = :title, titled_by = 'model'"
					+ " where id = :id and tenant = :tenant and titled_by = 'message'")
			.param("title", title)
			.param("id", id)
			.param("tenant", tenant)
			.update();
	}

	public boolean delete(Owner owner, String id) {
		return this.jdbc.sql("delete from conversation where id = :id and tenant = :tenant and owner = :owner")
			.param("id", id)
			.param("tenant", owner.tenant())
			.param("owner", owner.subject())
			.update() == 1;
	}

	/**
	 * A conversation's messages in order; the caller has checked it owns the
	 * conversation.
	 * @param tenant its tenant
	 * @param conversationId the conversation
	 * @return its messages
	 */
	public List<Message> messages(String tenant, String conversationId) {
		return this.jdbc.sql("select * from message where conversation_id = :id and tenant = :tenant order by seq")
			.param("id", conversationId)
			.param("tenant", tenant)
			.query(ConversationRepository::message)
			.list();
	}

	/**
	 * Writes a turn's start in one transaction: the conversation if it is new, the user's
	 * message, and the answer's row as {@code streaming}. The user's message is committed
	 * before any generation starts.
	 * @param owner who asks
	 * @param conversationId the conversation to continue, or {@code null} for a new one
	 * @param text the user's message
	 * @param title the title of a new conversation
	 * @param model the model that will answer
	 * @param mode how it will answer
	 * @param historyLimit the most earlier messages to read back with it
	 * @return the turn, or empty when the conversation is not the owner's
	 */
	public Optional<Turn> startTurn(Owner owner, @Nullable String conversationId, String text, String title,
			String model, String mode, int historyLimit) {
		return this.transactions.execute((status) -> {
			Conversation conversation;
			if (conversationId == null) {
				conversation = create(owner, title);
			}
			else {
				conversation = this.jdbc
					.sql("select id, title, created_at, updated_at from conversation"
							+ " where id = :id and tenant = :tenant and owner = :owner for update")
					.param("id", conversationId)
					.param("tenant", owner.tenant())
					.param("owner", owner.subject())
					.query(ConversationRepository::conversation)
					.optional()
					.orElse(null);
				if (conversation == null) {
					return Optional.empty();
				}
			}
			List<Message> earlier = (conversationId == null || historyLimit == 0) ? List.of()
					: this.jdbc
						.sql("select * from (select * from message where conversation_id = :id and tenant = :tenant"
								+ " order by seq desc limit :limit) latest order by seq")
						.param("id", conversation.id())
						.param("tenant", owner.tenant())
						.param("limit", historyLimit)
						.query(ConversationRepository::message)
						.list();
			int seq = (conversationId == null) ? 0
					: this.jdbc.sql("select coalesce(max(seq), 0) from message where conversation_id = :id")
						.param("id", conversation.id())
						.query(Integer.class)
						.single();
			String userId = Ids.next("msg");
			String answerId = Ids.next("msg");
			insert(owner.tenant(), conversation.id(), userId, seq + 1, "user", text, "complete", null, null);
			insert(owner.tenant(), conversation.id(), answerId, seq + 2, "assistant", "", "streaming", mode, model);
			if (conversationId != null) {
				this.jdbc.sql("update conversation set updated_at = now() where id = :id")
					.param("id", conversation.id())
					.update();
			}
			return Optional.of(new Turn(conversation, userId, answerId, conversationId == null, earlier));
		});
	}

	private void insert(String tenant, String conversationId, String id, int seq, String role, String content,
			String status, @Nullable String mode, @Nullable String model) {
		this.jdbc
			.sql("insert into message (id, conversation_id, tenant, seq, role, content, status, mode, model)"
					+ " values (:id, :conversation, :tenant, :seq, :role, :content, :status, :mode, :model)")
			.param("id", id)
			.param("conversation", conversationId)
			.param("tenant", tenant)
			.param("seq", seq)
			.param("role", role)
			.param("content", content)
			.param("status", status)
			.param("mode", mode)
			.param("model", model)
			.update();
	}

	/**
	 * Saves a streaming answer's text so far.
	 * @param tenant its tenant
	 * @param messageId the answer
	 * @param content its text so far
	 */
	public void saveProgress(String tenant, String messageId, String content) {
		this.jdbc
			.sql("update message set content = :content, updated_at = now()"
					+ " where id = :id and tenant = :tenant and status = 'streaming'")
			.param("content", content)
			.param("id", messageId)
			.param("tenant", tenant)
			.update();
	}

	/**
	 * Writes how an answer ended.
	 * @param tenant its tenant
	 * @param messageId the answer
	 * @param end what it ended as
	 */
	public void finish(String tenant, String messageId, AnswerEnd end) {
		this.transactions.executeWithoutResult((status) -> {
			int finished = this.jdbc.sql("""
					update message set content = :content, status = :status, mode = :mode, model = :model,
					prompt_tokens = :promptTokens, completion_tokens = :completionTokens,
					first_token_ms = :firstTokenMs, latency_ms = :latencyMs,
					citations = cast(:citations as jsonb), tool_calls = cast(:toolCalls as jsonb),
					retrieval = cast(:retrieval as jsonb), error = :error, updated_at = now()
					where id = :id and tenant = :tenant and status = 'streaming'
					""")
				.param("content", end.content())
				.param("status", end.status())
				.param("mode", end.mode())
				.param("model", end.model())
				.param("promptTokens", end.usage().promptTokens())
				.param("completionTokens", end.usage().completionTokens())
				.param("firstTokenMs", end.usage().firstTokenMs())
				.param("latencyMs", end.usage().latencyMs())
				.param("citations", JSON.writeValueAsString(end.citations()))
				.param("toolCalls", JSON.writeValueAsString(end.toolCalls()))
				.param("retrieval", (end.retrieval() != null) ? JSON.writeValueAsString(end.retrieval()) : null)
				.param("error", end.error())
				.param("id", messageId)
				.param("tenant", tenant)
				.update();
			if (finished == 1) {
				recordUsage(tenant, messageId);
			}
		});
	}

	/**
	 * Counts a finished answer in its tenant's usage, which outlives the conversation.
	 */
	private void recordUsage(String tenant, String messageId) {
		this.jdbc.sql("""
				insert into usage_event (tenant, user_id, model, status, prompt_tokens, completion_tokens, latency_ms)
				select m.tenant, c.owner, coalesce(m.model, m.mode, 'unknown'), m.status, coalesce(m.prompt_tokens, 0),
				       coalesce(m.completion_tokens, 0), m.latency_ms
				from message m join conversation c on c.id = m.conversation_id
				where m.id = :id and m.tenant = :tenant
				""").param("id", messageId).param("tenant", tenant).update();
	}

	/**
	 * Records a user's verdict on one of its answers.
	 * @param owner who gives it
	 * @param conversationId the conversation
	 * @param messageId the answer
	 * @param feedback the verdict
	 * @return false when there is no such answer of the owner's
	 */
	public boolean feedback(Owner owner, String conversationId, String messageId, Feedback feedback) {
		return this.jdbc.sql("""
				update message m set feedback_rating = :rating, feedback_reason = :reason, feedback_text = :text
				from conversation c
				where m.id = :message and m.conversation_id = :conversation and m.role = 'assistant'
				and c.id = m.conversation_id and c.tenant = :tenant and c.owner = :owner and m.tenant = :tenant
				""")
			.param("rating", feedback.rating())
			.param("reason", feedback.reason())
			.param("text", feedback.text())
			.param("message", messageId)
			.param("conversation", conversationId)
			.param("tenant", owner.tenant())
			.param("owner", owner.subject())
			.update() == 1;
	}

	/**
	 * Marks answers still {@code streaming} but not saved for a while as
	 * {@code interrupted}: their instance died mid-answer.
	 * @param silentFor how long since one was last saved
	 * @return how many were marked
	 */
	public int interruptStale(Duration silentFor) {
		return this.jdbc
			.sql("update message set status = 'interrupted', error = :error, updated_at = now()"
					+ " where status = 'streaming' and updated_at < :before")
			.param("error", "The answer was cut short when the service answering it stopped.")
			.param("before", Timestamp.from(Instant.now().minus(silentFor)))
			.update();
	}

	private static String likeEscaped(String text) {
		return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
	}

	private static Conversation conversation(ResultSet row, int number) throws SQLException {
		return new Conversation(row.getString("id"), row.getString("title"), row.getTimestamp("created_at").toInstant(),
				row.getTimestamp("updated_at").toInstant());
	}

	private static Message message(ResultSet row, int number) throws SQLException {
		String rating = row.getString("feedback_rating");
		Feedback feedback = (rating != null)
				? new Feedback(rating, row.getString("feedback_reason"), row.getString("feedback_text")) : null;
		Message.Usage usage = new Message.Usage(integer(row, "prompt_tokens"), integer(row, "completion_tokens"),
				integer(row, "first_token_ms"), integer(row, "latency_ms"));
		return new Message(row.getString("id"), row.getInt("seq"), row.getString("role"), row.getString("content"),
				row.getString("status"), row.getString("mode"), row.getString("model"),
				row.getString("role").equals("assistant") ? usage : null,
				JSON.readValue(row.getString("citations"), CITATIONS),
				JSON.readValue(row.getString("tool_calls"), TOOL_STEPS), row.getString("error"), feedback,
				row.getTimestamp("created_at").toInstant());
	}

	private static @Nullable Integer integer(ResultSet row, String column) throws SQLException {
		int value = row.getInt(column);
		return row.wasNull() ? null : value;
	}

	/**
	 * Whose conversations a request may touch.
	 *
	 * @param tenant the caller's tenant
	 * @param subject the caller
	 */
	public record Owner(String tenant, String subject) {
	}

	/**
	 * Where a page of conversations ended.
	 *
	 * @param updatedAt the last one's update time
	 * @param id the last one's id
	 */
	public record Cursor(Instant updatedAt, String id) {
	}

	/**
	 * A turn just started.
	 *
	 * @param conversation its conversation
	 * @param userMessageId the user's message
	 * @param answerId the answer's row, {@code streaming}
	 * @param newConversation whether the turn started the conversation
	 * @param earlier the latest messages before the turn, oldest first
	 */
	public record Turn(Conversation conversation, String userMessageId, String answerId, boolean newConversation,
			List<Message> earlier) {
	}

	/**
	 * How an answer ended, as it is saved.
	 *
	 * @param content its text
	 * @param status {@code complete}, {@code stopped}, {@code interrupted} or
	 * {@code failed}
	 * @param mode how it was made
	 * @param model the model that wrote it, if one did
	 * @param usage its token counts and timings
	 * @param citations the evidence it cites
	 * @param toolCalls the tools run for it
	 * @param retrieval the retrieval summary
	 * @param error why it failed or was cut short
	 */
	public record AnswerEnd(String content, String status, String mode, @Nullable String model, Message.Usage usage,
			List<Citation> citations, List<ToolStep> toolCalls, @Nullable Object retrieval, @Nullable String error) {
	}

}
