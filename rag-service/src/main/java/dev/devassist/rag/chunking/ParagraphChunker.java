package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits prose into paragraphs, packing consecutive paragraphs into one chunk while they
 * fit the budget.
 * <p>
 * A paragraph over the budget is split between lines, preferably after one that ends a
 * sentence; a line over the budget is split between sentences.
 */
final class ParagraphChunker implements Chunker {

	private final int budget;

	private final LineWindows windows;

	ParagraphChunker(int maxTokens) {
		this.budget = maxTokens;
		this.windows = new LineWindows(maxTokens, 0);
	}

	@Override
	public List<Chunk> chunk(String path, String text) {
		return chunk(SourceLines.of(text), Languages.of(path));
	}

	List<Chunk> chunk(SourceLines lines, String language) {
		List<Chunk> chunks = new ArrayList<>();
		int groupStart = -1;
		int groupEnd = -1;
		int last = lines.count() - 1;
		for (int start = lines.firstContent(0, last); start != -1; start = lines.firstContent(groupEnd + 1, last)) {
			int end = paragraphEnd(lines, start);
			if (groupStart != -1 && lines.tokens(groupStart, end) <= this.budget) {
				groupEnd = end;
				continue;
			}

			flush(lines, groupStart, groupEnd, language, chunks);
			groupStart = start;
			groupEnd = end;

			if (lines.tokens(start, end) > this.budget) {
				this.windows.cover(lines, start, end, null, language, Chunk.Kind.PROSE, chunks);
				groupStart = -1;
			}
		}
		flush(lines, groupStart, groupEnd, language, chunks);
		return chunks;
	}

	private static int paragraphEnd(SourceLines lines, int start) {
		int end = start;
		while (end + 1 < lines.count() && !lines.isBlank(end + 1)) {
			end++;
		}
		return end;
	}

	private static void flush(SourceLines lines, int groupStart, int groupEnd, String language, List<Chunk> chunks) {
		if (groupStart == -1) {
			return;
		}
		Chunk chunk = lines.chunk(groupStart, groupEnd, null, language, Chunk.Kind.PROSE);
		if (chunk != null) {
			chunks.add(chunk);
		}
	}

}
