package dev.devassist.gateway.account;

import java.time.Instant;
import java.util.Set;

/**
 * A user of a tenant.
 *
 * @param id the user's id
 * @param tenant the tenant's id
 * @param username the login name, unique across tenants
 * @param roles {@code member}, and {@code admin} for administrators
 * @param disabled whether they may no longer log in or use their keys
 * @param createdAt when the account was made
 */
public record Account(String id, String tenant, String username, Set<String> roles, boolean disabled,
		Instant createdAt) {

	public Account {
		roles = Set.copyOf(roles);
	}

}
