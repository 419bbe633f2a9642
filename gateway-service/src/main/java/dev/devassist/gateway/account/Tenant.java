package dev.devassist.gateway.account;

import java.time.Instant;

/**
 * A tenant: a team whose sources, conversations and keys nobody else sees.
 *
 * @param id its id, the internal token's {@code tenant}
 * @param name its name
 * @param createdAt when it was made
 */
public record Tenant(String id, String name, Instant createdAt) {
}
