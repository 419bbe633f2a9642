package dev.devassist.rag.search;

import org.jspecify.annotations.Nullable;

/**
 * One hit, with everything needed to cite it: which file, which lines, what symbol.
 *
 * @param sourceId the source
 * @param path the file's path in it
 * @param commit the commit (or upload version) it was read at
 * @param startLine the first line of the chunk, from 1
 * @param endLine the chunk's last line, inclusive
 * @param symbol the class or function, if any
 * @param language the language id
 * @param score the fused score; higher is better
 * @param snippet the chunk's text, widened by the context lines asked for
 * @param snippetStartLine the snippet's first line
 * @param snippetEndLine the snippet's last line
 * @param link where the UI can open these lines
 */
public record SearchHit(String sourceId, String path, String commit, int startLine, int endLine,
		@Nullable String symbol, String language, double score, String snippet, int snippetStartLine,
		int snippetEndLine, String link) {
}
