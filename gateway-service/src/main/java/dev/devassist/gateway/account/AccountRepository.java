package dev.devassist.gateway.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tenants and users in PostgreSQL ({@code gateway.tenant}, {@code gateway.app_user}).
 */
@Repository
class AccountRepository {

	private static final String USER_COLUMNS = "id, tenant_id, username, roles, disabled, created_at";

	private static final String TENANT_SELECT = "select id, name, created_at from tenant ";

	private final JdbcClient jdbc;

	AccountRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	boolean anyUser() {
		return this.jdbc.sql("select exists (select 1 from app_user)").query(Boolean.class).single();
	}

	@Transactional
	void insertTenantWithAdmin(Tenant tenant, Account admin, String passwordHash) {
		insertTenant(tenant);
		insertUser(admin, passwordHash);
	}

	void insertTenant(Tenant tenant) {
		this.jdbc.sql("insert into tenant (id, name) values (:id, :name)")
			.param("id", tenant.id())
			.param("name", tenant.name())
			.update();
	}

	void insertUser(Account account, String passwordHash) {
		this.jdbc
			.sql("insert into app_user (id, tenant_id, username, password_hash, roles) "
					+ "values (:id, :tenant, :username, :hash, :roles::text[])")
			.param("id", account.id())
			.param("tenant", account.tenant())
			.param("username", account.username())
			.param("hash", passwordHash)
			.param("roles", account.roles().toArray(String[]::new))
			.update();
	}

	void insertSsoUser(Account account, String issuer, String subject) {
		this.jdbc
			.sql("insert into app_user (id, tenant_id, username, roles, sso_issuer, sso_subject) "
					+ "values (:id, :tenant, :username, :roles::text[], :issuer, :subject)")
			.param("id", account.id())
			.param("tenant", account.tenant())
			.param("username", account.username())
			.param("roles", account.roles().toArray(String[]::new))
			.param("issuer", issuer)
			.param("subject", subject)
			.update();
	}

	Optional<Account> findBySso(String issuer, String subject) {
		return this.jdbc
			.sql("select " + USER_COLUMNS + " from app_user where sso_issuer = :issuer and sso_subject = :subject")
			.param("issuer", issuer)
			.param("subject", subject)
			.query((rs, row) -> account(rs))
			.optional();
	}

	void setRoles(String id, Set<String> roles) {
		this.jdbc.sql("update app_user set roles = :roles::text[] where id = :id")
			.param("roles", roles.toArray(String[]::new))
			.param("id", id)
			.update();
	}

	Optional<Tenant> findTenantByName(String name) {
		return this.jdbc.sql(TENANT_SELECT + "where name = :name")
			.param("name", name)
			.query((rs, row) -> tenant(rs))
			.optional();
	}

	Optional<Tenant> firstTenant() {
		return this.jdbc.sql(TENANT_SELECT + "order by created_at, id limit 1")
			.query((rs, row) -> tenant(rs))
			.optional();
	}

	boolean usernameTaken(String username) {
		return this.jdbc.sql("select exists (select 1 from app_user where username = :username)")
			.param("username", username)
			.query(Boolean.class)
			.single();
	}

	Optional<Credentials> findCredentials(String username) {
		return this.jdbc.sql("select " + USER_COLUMNS + ", password_hash from app_user where username = :username")
			.param("username", username)
			.query((rs, row) -> new Credentials(account(rs), rs.getString("password_hash")))
			.optional();
	}

	List<Account> listUsers(String tenant) {
		return this.jdbc.sql("select " + USER_COLUMNS + " from app_user where tenant_id = :tenant order by username")
			.param("tenant", tenant)
			.query((rs, row) -> account(rs))
			.list();
	}

	Optional<Account> findUser(String tenant, String id) {
		return this.jdbc.sql("select " + USER_COLUMNS + " from app_user where tenant_id = :tenant and id = :id")
			.param("tenant", tenant)
			.param("id", id)
			.query((rs, row) -> account(rs))
			.optional();
	}

	boolean setDisabled(String tenant, String id, boolean disabled) {
		return this.jdbc.sql("update app_user set disabled = :disabled where tenant_id = :tenant and id = :id")
			.param("disabled", disabled)
			.param("tenant", tenant)
			.param("id", id)
			.update() == 1;
	}

	void setPassword(String id, String passwordHash) {
		this.jdbc.sql("update app_user set password_hash = :hash where id = :id")
			.param("hash", passwordHash)
			.param("id", id)
			.update();
	}

	List<Tenant> listTenants() {
		return this.jdbc.sql(TENANT_SELECT + "order by name").query((rs, row) -> tenant(rs)).list();
	}

	boolean tenantNameTaken(String name) {
		return this.jdbc.sql("select exists (select 1 from tenant where name = :name)")
			.param("name", name)
			.query(Boolean.class)
			.single();
	}

	Optional<Tenant> findTenant(String id) {
		return this.jdbc.sql(TENANT_SELECT + "where id = :id")
			.param("id", id)
			.query((rs, row) -> tenant(rs))
			.optional();
	}

	private static Tenant tenant(ResultSet rs) throws SQLException {
		return new Tenant(rs.getString("id"), rs.getString("name"), rs.getTimestamp("created_at").toInstant());
	}

	private static Account account(ResultSet rs) throws SQLException {
		return new Account(rs.getString("id"), rs.getString("tenant_id"), rs.getString("username"),
				Set.of((String[]) rs.getArray("roles").getArray()), rs.getBoolean("disabled"),
				rs.getTimestamp("created_at").toInstant());
	}

	/**
	 * An account with its password's hash, for logging in.
	 *
	 * @param account the account
	 * @param passwordHash the hash, in the password encoder's format; null for a user who
	 * signs in through single sign-on only
	 */
	record Credentials(Account account, @Nullable String passwordHash) {
	}

}
