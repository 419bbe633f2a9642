package dev.devassist.rag.chunking;

import java.util.List;

/**
 * Splits any text into windows of lines, for languages without a better chunker and as
 * the fallback when a syntax tree cannot be trusted.
 */
final class LineChunker implements Chunker {

	// Two lines carry a statement that was cut across windows, without much repetition.
	static final int OVERLAP_LINES = 2;

	private final LineWindows windows;

	LineChunker(int maxTokens) {
		this.windows = new LineWindows(maxTokens, OVERLAP_LINES);
	}

	@Override
	public List<Chunk> chunk(String path, String text) {
		return chunk(SourceLines.of(text), Languages.of(path));
	}

	List<Chunk> chunk(SourceLines lines, String language) {
		Chunk.Kind kind = Languages.isCode(language) ? Chunk.Kind.CODE : Chunk.Kind.TEXT;
		return this.windows.cover(lines, 0, lines.count() - 1, null, language, kind);
	}

}
