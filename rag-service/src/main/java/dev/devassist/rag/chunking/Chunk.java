package dev.devassist.rag.chunking;

import org.jspecify.annotations.Nullable;

/**
 * A piece of a source file that is embedded and indexed on its own.
 * <p>
 * The text is exactly the source lines {@code startLine} to {@code endLine} joined with
 * {@code \n}, whatever line separators the file used, so that a citation can point at
 * those lines. A chunk never starts or ends with a blank line. The one exception to the
 * rule is a single line too long for the token budget: it is cut into several chunks that
 * each hold a slice of the line and carry its number as both start and end.
 *
 * @param text the chunk's text, never blank
 * @param startLine the first line, counted from 1
 * @param endLine the last line, inclusive
 * @param symbol the qualified name of the declaration or the heading path the chunk
 * belongs to; {@code null} where there is none, as for imports or a preamble
 * @param language the language id that {@link Languages#of(String)} gives the file
 * @param kind the sort of content the chunk holds
 */
public record Chunk(String text, int startLine, int endLine, @Nullable String symbol, String language, Kind kind) {

	public Chunk {
		if (startLine < 1) {
			throw new IllegalArgumentException("Start line must be 1 or more, not " + startLine);
		}
		if (endLine < startLine) {
			throw new IllegalArgumentException("End line " + endLine + " comes before start line " + startLine);
		}
		if (text.isBlank()) {
			throw new IllegalArgumentException("Text of lines " + startLine + "-" + endLine + " is blank");
		}
	}

	/**
	 * The sort of content a chunk holds.
	 */
	public enum Kind {

		/**
		 * Source code, split along its syntax or into line windows.
		 */
		CODE,

		/**
		 * A Markdown section or part of one.
		 */
		MARKDOWN,

		/**
		 * Paragraphs of plain prose.
		 */
		PROSE,

		/**
		 * Line windows of data or configuration that is neither code nor prose.
		 */
		TEXT

	}

}
