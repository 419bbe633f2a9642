package dev.devassist.rag.chunking;

import java.util.Arrays;
import java.util.List;

/**
 * Reads lines out of test sources independently of the code under test, so that the tests
 * check the chunkers' line numbers against a second opinion.
 */
final class SourceText {

	private SourceText() {
	}

	static List<String> lines(String text) {
		String withoutMark = text.startsWith("\uFEFF") ? text.substring(1) : text;
		return Arrays.asList(withoutMark.split("\r\n|\r|\n", -1));
	}

	static String lines(String text, int startLine, int endLine) {
		return String.join("\n", lines(text).subList(startLine - 1, endLine));
	}

	static int lineOf(String text, String fragment) {
		List<String> lines = lines(text);
		for (int index = 0; index < lines.size(); index++) {
			if (lines.get(index).contains(fragment)) {
				return index + 1;
			}
		}
		throw new IllegalArgumentException("No line holds '" + fragment + "'");
	}

	static int lastLineOf(String text, String fragment) {
		List<String> lines = lines(text);
		for (int index = lines.size() - 1; index >= 0; index--) {
			if (lines.get(index).contains(fragment)) {
				return index + 1;
			}
		}
		throw new IllegalArgumentException("No line holds '" + fragment + "'");
	}

	static Chunk chunkHolding(List<Chunk> chunks, int line) {
		return chunks.stream()
			.filter((chunk) -> chunk.startLine() <= line && line <= chunk.endLine())
			.findFirst()
			.orElseThrow(() -> new AssertionError("No chunk holds line " + line));
	}

	static Chunk chunkNamed(List<Chunk> chunks, String symbol) {
		return chunks.stream()
			.filter((chunk) -> symbol.equals(chunk.symbol()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No chunk is named " + symbol + " among " + symbols(chunks)));
	}

	static List<String> symbols(List<Chunk> chunks) {
		return chunks.stream().map((chunk) -> String.valueOf(chunk.symbol())).toList();
	}

}
