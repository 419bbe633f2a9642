package dev.devassist.assistant.conversation;

import java.time.Instant;

/**
 * A conversation, as it is listed.
 *
 * @param id its id
 * @param title its title: the first question's gist, then the model's title for it
 * @param createdAt when it was started
 * @param updatedAt when its last message was written
 */
public record Conversation(String id, String title, Instant createdAt, Instant updatedAt) {
}
