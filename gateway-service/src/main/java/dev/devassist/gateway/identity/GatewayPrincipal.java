package dev.devassist.gateway.identity;

import java.io.Serializable;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Who is calling, once the gateway has authenticated them.
 *
 * @param userId the user's id, the internal token's {@code sub}
 * @param username the user's login name
 * @param tenant the user's tenant id
 * @param roles {@code member}; {@code admin} for a tenant's administrators;
 * {@code operator} for the platform's
 * @param scopes what the call may do: an API key's scopes, or all of the user's for a
 * session
 * @param keyId the API key the call came with, or null for a session
 */
public record GatewayPrincipal(String userId, String username, String tenant, Set<String> roles, Set<String> scopes,
		@Nullable String keyId) implements Serializable {

	/** The scopes there are. */
	public static final Set<String> ALL_SCOPES = Set.of("chat", "search", "ingest", "admin");

	/** The role of a tenant's administrators. */
	public static final String ADMIN = "admin";

	/** The role of the platform's operators, who make tenants. */
	public static final String OPERATOR = "operator";

	public GatewayPrincipal {
		roles = Set.copyOf(roles);
		scopes = Set.copyOf(scopes);
	}

	/**
	 * Whether the caller administers its tenant and called with the admin scope.
	 * @return true when it does
	 */
	public boolean isAdmin() {
		return this.roles.contains(ADMIN) && this.scopes.contains(ADMIN);
	}

	/**
	 * Whether the caller operates the platform: makes tenants and their first admins.
	 * @return true when it does, and called with the admin scope
	 */
	public boolean isOperator() {
		return isAdmin() && this.roles.contains(OPERATOR);
	}

	/**
	 * The name its rate limits and logs go by: the key when there is one, else the user.
	 * @return the name
	 */
	public String callerKey() {
		return (this.keyId != null) ? "key:" + this.keyId : "user:" + this.userId;
	}

}
