package dev.devassist.gateway.apikey;

import java.time.Instant;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * An API key as stored: never its secret, only the secret's first characters to tell keys
 * apart.
 *
 * @param id the key's id
 * @param tenant its user's tenant
 * @param userId its user
 * @param name what its user called it
 * @param prefix the secret's first characters, shown in lists
 * @param scopes what calls made with it may do
 * @param createdAt when it was made
 * @param expiresAt when it stops working, if ever
 * @param revokedAt when it was revoked, if it was
 * @param lastUsedAt when it was last seen, to within a minute
 */
public record ApiKey(String id, String tenant, String userId, String name, String prefix, Set<String> scopes,
		Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant revokedAt, @Nullable Instant lastUsedAt) {

	public ApiKey {
		scopes = Set.copyOf(scopes);
	}

	/**
	 * Whether a call made with it may pass now.
	 * @param now the time
	 * @return true when it is neither revoked nor expired
	 */
	public boolean isLive(Instant now) {
		return this.revokedAt == null && (this.expiresAt == null || now.isBefore(this.expiresAt));
	}

}
