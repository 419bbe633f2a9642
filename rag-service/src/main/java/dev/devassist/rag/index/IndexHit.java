package dev.devassist.rag.index;

import org.jspecify.annotations.Nullable;

/**
 * A chunk an index found, with the score of the retriever that found it.
 *
 * @param id the chunk's id, stable while its file is unchanged
 * @param sourceId the source
 * @param path the file's path
 * @param commit the commit the file was read at
 * @param startLine the first line, from 1
 * @param endLine the last line, inclusive
 * @param symbol the class or function, if any
 * @param language the language id
 * @param text the chunk's text
 * @param score higher is better; comparable only within one retriever's answer
 */
public record IndexHit(String id, String sourceId, String path, String commit, int startLine, int endLine,
		@Nullable String symbol, String language, String text, float score) {

	/**
	 * The same hit with another score.
	 * @param newScore the score
	 * @return the copy
	 */
	public IndexHit withScore(float newScore) {
		return new IndexHit(this.id, this.sourceId, this.path, this.commit, this.startLine, this.endLine, this.symbol,
				this.language, this.text, newScore);
	}

}
