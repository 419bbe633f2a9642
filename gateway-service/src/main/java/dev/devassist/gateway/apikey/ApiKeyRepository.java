package dev.devassist.gateway.apikey;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * API keys in PostgreSQL ({@code gateway.api_key}). Every query names the tenant or the
 * secret's hash, never a bare id.
 */
@Repository
class ApiKeyRepository {

	private static final String COLUMNS = "id, tenant_id, user_id, name, prefix, scopes, created_at, expires_at, "
			+ "revoked_at, last_used_at";

	private final JdbcClient jdbc;

	ApiKeyRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(ApiKey key, byte[] secretHash) {
		this.jdbc.sql("insert into api_key (id, tenant_id, user_id, name, prefix, secret_hash, scopes, created_at, "
				+ "expires_at) values (:id, :tenant, :user, :name, :prefix, :hash, :scopes::text[], :created, :expires)")
			.param("id", key.id())
			.param("tenant", key.tenant())
			.param("user", key.userId())
			.param("name", key.name())
			.param("prefix", key.prefix())
			.param("hash", secretHash)
			.param("scopes", key.scopes().toArray(String[]::new))
			.param("created", Timestamp.from(key.createdAt()))
			.param("expires", timestamp(key.expiresAt()))
			.update();
	}

	Optional<KeyOwner> findBySecretHash(byte[] secretHash) {
		return this.jdbc
			.sql("select k." + COLUMNS.replace(", ", ", k.")
					+ ", u.username, u.roles, u.disabled from api_key k join app_user u on u.id = k.user_id "
					+ "where k.secret_hash = :hash")
			.param("hash", secretHash)
			.query((rs, row) -> new KeyOwner(key(rs), rs.getString("username"), strings(rs.getArray("roles")),
					rs.getBoolean("disabled")))
			.optional();
	}

	List<ApiKey> listForUser(String tenant, String userId) {
		return this.jdbc
			.sql("select " + COLUMNS + " from api_key where tenant_id = :tenant and user_id = :user "
					+ "order by created_at desc")
			.param("tenant", tenant)
			.param("user", userId)
			.query((rs, row) -> key(rs))
			.list();
	}

	List<ApiKey> listForTenant(String tenant) {
		return this.jdbc.sql("select " + COLUMNS + " from api_key where tenant_id = :tenant order by created_at desc")
			.param("tenant", tenant)
			.query((rs, row) -> key(rs))
			.list();
	}

	Optional<ApiKey> find(String tenant, String id) {
		return this.jdbc.sql("select " + COLUMNS + " from api_key where tenant_id = :tenant and id = :id")
			.param("tenant", tenant)
			.param("id", id)
			.query((rs, row) -> key(rs))
			.optional();
	}

	int countLive(String tenant, String userId, Instant now) {
		return this.jdbc
			.sql("select count(*) from api_key where tenant_id = :tenant and user_id = :user and revoked_at is null "
					+ "and (expires_at is null or expires_at > :now)")
			.param("tenant", tenant)
			.param("user", userId)
			.param("now", Timestamp.from(now))
			.query(Integer.class)
			.single();
	}

	boolean revoke(String tenant, String id, Instant now) {
		return this.jdbc
			.sql("update api_key set revoked_at = :now where tenant_id = :tenant and id = :id and revoked_at is null")
			.param("now", Timestamp.from(now))
			.param("tenant", tenant)
			.param("id", id)
			.update() == 1;
	}

	void markUsed(String id, Instant now) {
		this.jdbc.sql("update api_key set last_used_at = :now where id = :id")
			.param("now", Timestamp.from(now))
			.param("id", id)
			.update();
	}

	private static ApiKey key(ResultSet rs) throws SQLException {
		return new ApiKey(rs.getString("id"), rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("name"),
				rs.getString("prefix"), strings(rs.getArray("scopes")), rs.getTimestamp("created_at").toInstant(),
				instant(rs.getTimestamp("expires_at")), instant(rs.getTimestamp("revoked_at")),
				instant(rs.getTimestamp("last_used_at")));
	}

	private static Set<String> strings(Array array) throws SQLException {
		return Set.of((String[]) array.getArray());
	}

	private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	private static @Nullable Timestamp timestamp(@Nullable Instant instant) {
		return (instant != null) ? Timestamp.from(instant) : null;
	}

	/**
	 * A key with what the gateway needs of its user to admit a call.
	 *
	 * @param key the key
	 * @param username its user's login name
	 * @param roles its user's roles
	 * @param userDisabled whether its user was disabled
	 */
	record KeyOwner(ApiKey key, String username, Set<String> roles, boolean userDisabled) {
	}

}
