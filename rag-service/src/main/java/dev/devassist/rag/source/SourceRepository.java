package dev.devassist.rag.source;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sources and their documents in PostgreSQL. Every read and write that a caller can cause
 * names the tenant, so no query can reach another tenant's rows.
 */
public class SourceRepository {

	private static final String COLUMNS = "id, tenant, kind, name, location, branch, status, error, indexed_commit,"
			+ " file_count, chunk_count, created_at, updated_at";

	private static final String DOCUMENT_COLUMNS = "path, content_hash, indexed_hash, language, size_bytes,"
			+ " chunk_count, status, reason";

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	public SourceRepository(JdbcClient jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Adds a source.
	 * @param source the source
	 * @param accessToken the git token, if any
	 * @param webhookSecretHash the SHA-256 of the webhook secret, if any
	 */
	public void insert(Source source, @Nullable String accessToken, @Nullable String webhookSecretHash) {
		this.jdbc
			.sql("insert into sources (id, tenant, kind, name, location, branch, access_token, webhook_secret,"
					+ " status) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(source.id(), source.tenant(), lower(source.kind()), source.name(), source.location(),
					source.branch(), accessToken, webhookSecretHash, lower(source.status()))
			.update();
	}

	public Optional<Source> find(String tenant, String id) {
		return this.jdbc.sql("select " + COLUMNS + " from sources where tenant = ? and id = ?")
			.params(tenant, id)
			.query(SourceRepository::source)
			.optional();
	}

	/**
	 * A source by id alone, for the ingestion worker and webhooks, which act for the
	 * source's own tenant.
	 * @param id the id
	 * @return the source
	 */
	public Optional<Source> findById(String id) {
		return this.jdbc.sql("select " + COLUMNS + " from sources where id = ?")
			.param(id)
			.query(SourceRepository::source)
			.optional();
	}

	public List<Source> list(String tenant) {
		return this.jdbc.sql("select " + COLUMNS + " from sources where tenant = ? order by created_at, id")
			.param(tenant)
			.query(SourceRepository::source)
			.list();
	}

	public boolean delete(String tenant, String id) {
		return this.jdbc.sql("delete from sources where tenant = ? and id = ?").params(tenant, id).update() > 0;
	}

	/**
	 * How many sources of all tenants stand in each status, for the per-status gauge.
	 * @return the counts, by status
	 */
	public Map<Source.Status, Long> countByStatus() {
		Map<Source.Status, Long> counts = new EnumMap<>(Source.Status.class);
		for (Source.Status status : Source.Status.values()) {
			counts.put(status, 0L);
		}
		this.jdbc.sql("select status, count(*) as sources from sources group by status").query((row) -> {
			counts.put(Source.Status.valueOf(row.getString("status").toUpperCase(Locale.ROOT)), row.getLong("sources"));
		});
		return counts;
	}

	public Optional<String> accessToken(String id) {
		return this.jdbc.sql("select access_token from sources where id = ? and access_token is not null")
			.param(id)
			.query(String.class)
			.optional();
	}

	public Optional<String> webhookSecretHash(String id) {
		return this.jdbc.sql("select webhook_secret from sources where id = ? and webhook_secret is not null")
			.param(id)
			.query(String.class)
			.optional();
	}

	public void status(String id, Source.Status status, @Nullable String error) {
		this.jdbc.sql("update sources set status = ?, error = ?, updated_at = now() where id = ?")
			.params(lower(status), error, id)
			.update();
	}

	/**
	 * Records that the index holds the source as of a commit, with its totals counted
	 * from its documents.
	 * @param id the source
	 * @param commit the commit, or null for uploads
	 */
	public void indexed(String id, @Nullable String commit) {
		this.jdbc
			.sql("update sources set status = 'ready', error = null, indexed_commit = coalesce(?, indexed_commit),"
					+ " file_count = (select count(*) from documents where source_id = ? and status = 'indexed'),"
					+ " chunk_count = (select coalesce(sum(chunk_count), 0) from documents where source_id = ?),"
					+ " updated_at = now() where id = ?")
			.params(commit, id, id, id)
			.update();
	}

	/**
	 * Records what a file holds now; the index catches up when a job runs.
	 * @param tenant the tenant
	 * @param sourceId the source
	 * @param path the path
	 * @param contentHash its content's hash
	 * @param language its language id
	 * @param size its size
	 */
	public void putDocument(String tenant, String sourceId, String path, String contentHash, String language,
			long size) {
		this.jdbc
			.sql("insert into documents (source_id, path, tenant, content_hash, language, size_bytes)"
					+ " values (?, ?, ?, ?, ?, ?) on conflict (source_id, path) do update set"
					+ " content_hash = excluded.content_hash, language = excluded.language,"
					+ " size_bytes = excluded.size_bytes, updated_at = now()")
			.params(sourceId, path, tenant, contentHash, language, size)
			.update();
	}

	public List<Document> documents(String tenant, String sourceId) {
		return this.jdbc
			.sql("select " + DOCUMENT_COLUMNS + " from documents where tenant = ? and source_id = ? order by path")
			.params(tenant, sourceId)
			.query(SourceRepository::document)
			.list();
	}

	public Optional<Document> document(String tenant, String sourceId, String path) {
		return this.jdbc
			.sql("select " + DOCUMENT_COLUMNS + " from documents where tenant = ? and source_id = ? and path = ?")
			.params(tenant, sourceId, path)
			.query(SourceRepository::document)
			.optional();
	}

	/**
	 * Records that the index holds a file as of a hash.
	 * @param sourceId the source
	 * @param path the path
	 * @param hash the hash indexed
	 * @param chunkCount the chunks indexed
	 */
	public void documentIndexed(String sourceId, String path, String hash, int chunkCount) {
		looked(sourceId, path, hash, chunkCount, "indexed", null);
	}

	/**
	 * Records that a file was looked at and left out of the index, and why.
	 * @param sourceId the source
	 * @param path the path
	 * @param hash the hash looked at
	 * @param reason why it was left out
	 */
	public void documentSkipped(String sourceId, String path, String hash, String reason) {
		looked(sourceId, path, hash, 0, "skipped", reason);
	}

	private void looked(String sourceId, String path, String hash, int chunkCount, String status,
			@Nullable String reason) {
		this.jdbc
			.sql("update documents set indexed_hash = ?, chunk_count = ?, status = ?, reason = ?, updated_at = now()"
					+ " where source_id = ? and path = ?")
			.params(hash, chunkCount, status, reason, sourceId, path)
			.update();
	}

	public void deleteDocument(String sourceId, String path) {
		this.jdbc.sql("delete from documents where source_id = ? and path = ?").params(sourceId, path).update();
	}

	/**
	 * Runs work in one transaction.
	 * @param work the work
	 */
	public void inTransaction(Runnable work) {
		this.transactions.executeWithoutResult((status) -> work.run());
	}

	private static Source source(ResultSet row, int number) throws SQLException {
		return new Source(row.getString("id"), row.getString("tenant"),
				Source.Kind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)), row.getString("name"),
				row.getString("location"), row.getString("branch"),
				Source.Status.valueOf(row.getString("status").toUpperCase(Locale.ROOT)), row.getString("error"),
				row.getString("indexed_commit"), row.getInt("file_count"), row.getInt("chunk_count"),
				instant(row.getTimestamp("created_at")), instant(row.getTimestamp("updated_at")));
	}

	private static Document document(ResultSet row, int number) throws SQLException {
		return new Document(row.getString("path"), row.getString("content_hash"), row.getString("indexed_hash"),
				row.getString("language"), row.getLong("size_bytes"), row.getInt("chunk_count"),
				row.getString("status"), row.getString("reason"));
	}

	private static java.time.Instant instant(Timestamp timestamp) {
		return timestamp.toInstant();
	}

	private static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
