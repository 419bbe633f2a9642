package dev.devassist.assistant.grounding;

import org.jspecify.annotations.Nullable;

/**
 * A piece of evidence from rag-service: lines of one file.
 *
 * @param sourceId the source
 * @param path the file's path in it
 * @param startLine the first line, from 1
 * @param endLine the last line
 * @param symbol the class or function, when known
 * @param language the language id
 * @param score rag-service's fused score
 * @param text the lines
 * @param link where the UI opens them
 */
public record Passage(String sourceId, String path, int startLine, int endLine, @Nullable String symbol,
		String language, double score, String text, String link) {

	/**
	 * Whether this passage and another cover mostly the same lines of the same file.
	 * @param other the other passage
	 * @return true when they overlap by at least half of the shorter one
	 */
	boolean overlaps(Passage other) {
		if (!this.sourceId.equals(other.sourceId) || !this.path.equals(other.path)) {
			return false;
		}
		int shared = Math.min(this.endLine, other.endLine) - Math.max(this.startLine, other.startLine) + 1;
		int shorter = Math.min(this.endLine - this.startLine, other.endLine - other.startLine) + 1;
		return shared * 2 >= shorter;
	}

}
