package dev.devassist.assistant.conversation;

import org.jspecify.annotations.Nullable;

/**
 * The evidence behind a marker {@code [n]} in an answer: a file and a line range.
 *
 * @param index the marker's number
 * @param sourceId the source the file belongs to
 * @param path the file's path in the source
 * @param startLine the first cited line, from 1
 * @param endLine the last cited line
 * @param symbol the class or function the lines belong to, when known
 * @param snippet the cited text
 * @param link where the UI opens the lines
 */
public record Citation(int index, String sourceId, String path, int startLine, int endLine, @Nullable String symbol,
		String snippet, String link) {
}
