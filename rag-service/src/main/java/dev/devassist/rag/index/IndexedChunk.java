package dev.devassist.rag.index;

import org.jspecify.annotations.Nullable;

/**
 * One chunk of a file as the index keeps it, with its vector.
 *
 * @param startLine the first line, from 1
 * @param endLine the last line, inclusive
 * @param symbol the class or function it belongs to, if any
 * @param language the language id, such as {@code java} or {@code markdown}
 * @param text the chunk's text, exactly those lines
 * @param vector its embedding, in the index's {@link EmbeddingSpace}
 */
public record IndexedChunk(int startLine, int endLine, @Nullable String symbol, String language, String text,
		float[] vector) {

	public IndexedChunk {
		if (startLine < 1 || endLine < startLine) {
			throw new IllegalArgumentException(
					"A chunk's lines must run forward from 1, not " + startLine + "-" + endLine);
		}
	}

}
