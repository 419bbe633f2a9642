package dev.devassist.rag.chunking;

import java.util.List;

/**
 * Chunks any file the way its language suits best: code along its declarations, Markdown
 * along its headings, prose along its paragraphs and anything else into line windows.
 * <p>
 * The budget is counted with an estimate of the embedding model's word pieces, not with
 * its tokenizer; see {@link TokenEstimate}. Instances are immutable and safe to share
 * between threads.
 */
public final class CodeAwareChunker implements Chunker {

	/**
	 * The default budget: the input window of all-MiniLM-L6-v2, in word pieces.
	 */
	public static final int DEFAULT_MAX_TOKENS = 256;

	// Fewer tokens than this would not hold a statement or a sentence.
	private static final int SMALLEST_BUDGET = 8;

	private final SyntaxChunker syntax;

	private final MarkdownChunker markdown;

	private final ParagraphChunker paragraphs;

	private final LineChunker lines;

	/**
	 * Creates a chunker with the {@link #DEFAULT_MAX_TOKENS default budget}.
	 */
	public CodeAwareChunker() {
		this(DEFAULT_MAX_TOKENS);
	}

	/**
	 * Creates a chunker with the given budget.
	 * @param maxTokens the most estimated tokens of a chunk, at least 8
	 */
	public CodeAwareChunker(int maxTokens) {
		if (maxTokens < SMALLEST_BUDGET) {
			throw new IllegalArgumentException("Max tokens must be " + SMALLEST_BUDGET + " or more, not " + maxTokens);
		}
		this.syntax = new SyntaxChunker(maxTokens);
		this.markdown = new MarkdownChunker(maxTokens);
		this.paragraphs = new ParagraphChunker(maxTokens);
		this.lines = new LineChunker(maxTokens);
	}

	/**
	 * Splits the text of the file at the given path into chunks, in file order.
	 * @param path the file's path, whose name decides the language
	 * @param text the file's content
	 * @return the chunks; empty when the text holds nothing but whitespace
	 */
	@Override
	public List<Chunk> chunk(String path, String text) {
		SourceLines source = SourceLines.of(text);
		if (!source.hasContent()) {
			return List.of();
		}
		String language = Languages.of(path);
		return switch (language) {
			case Languages.JAVA, Languages.PYTHON, Languages.JAVASCRIPT, Languages.TYPESCRIPT, Languages.TSX,
					Languages.GO ->
				this.syntax.chunk(source, language);
			case Languages.MARKDOWN -> this.markdown.chunk(source, language);
			case Languages.TEXT -> this.paragraphs.chunk(source, language);
			default -> this.lines.chunk(source, language);
		};
	}

}
