package dev.devassist.assistant.conversation;

import org.jspecify.annotations.Nullable;

/**
 * A user's verdict on an answer.
 *
 * @param rating {@code up} or {@code down}
 * @param reason a short reason, e.g. {@code wrong-citation}
 * @param text what the user wrote
 */
public record Feedback(String rating, @Nullable String reason, @Nullable String text) {
}
