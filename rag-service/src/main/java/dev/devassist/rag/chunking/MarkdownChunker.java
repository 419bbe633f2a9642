package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Splits Markdown into sections at its headings, ATX ({@code ## Title}) and setext (a
 * title underlined with {@code ===} or {@code ---}) alike.
 * <p>
 * Each chunk carries the path of headings above it, such as {@code Install > Linux}. A
 * heading with nothing under it but a deeper heading joins that one's section instead of
 * becoming a chunk of one line. A section over the budget is split between its blocks,
 * paragraphs and fenced code, and a fence is split into line windows only when it is over
 * the budget by itself. Headings inside fences and front matter are not headings.
 */
final class MarkdownChunker implements Chunker {

	private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");

	private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))??(?:[ \\t]+#+)?[ \\t]*$");

	private static final Pattern UNDERLINE = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");

	private static final Pattern LIST_OR_QUOTE = Pattern.compile("^ {0,3}([-+*]|\\d{1,9}[.)]|>)([ \\t].*)?$");

	private static final String SEPARATOR = " > ";

	// Longer lines are never headings, and matching them would only cost time.
	private static final int LONGEST_HEADING = 1_000;

	private final int budget;

	private final LineWindows prose;

	private final LineWindows code;

	MarkdownChunker(int maxTokens) {
		this.budget = maxTokens;
		this.prose = new LineWindows(maxTokens, 0);
		this.code = new LineWindows(maxTokens, LineChunker.OVERLAP_LINES);
	}

	@Override
	public List<Chunk> chunk(String path, String text) {
		return chunk(SourceLines.of(text), Languages.of(path));
	}

	List<Chunk> chunk(SourceLines lines, String language) {
		List<Section> sections = sections(blocks(lines), lines.count());
		List<Chunk> chunks = new ArrayList<>();
		for (Section section : sections) {
			if (lines.tokens(section.start(), section.end()) <= this.budget) {
				add(chunks, lines.chunk(section.start(), section.end(), section.path(), language, Chunk.Kind.MARKDOWN));
			}
			else {
				split(lines, section, language, chunks);
			}
		}
		return chunks;
	}

	private void split(SourceLines lines, Section section, String language, List<Chunk> chunks) {
		int groupStart = -1;
		int groupEnd = -1;
		for (Block block : withHeadingsAttached(section.blocks())) {
			if (groupStart != -1 && lines.tokens(groupStart, block.end()) <= this.budget) {
				groupEnd = block.end();
				continue;
			}

			if (groupStart != -1) {
				add(chunks, lines.chunk(groupStart, groupEnd, section.path(), language, Chunk.Kind.MARKDOWN));
			}
			groupStart = block.start();
			groupEnd = block.end();

			if (lines.tokens(block.start(), block.end()) > this.budget) {
				LineWindows windows = block.fence() ? this.code : this.prose;
				windows.cover(lines, block.start(), block.end(), section.path(), language, Chunk.Kind.MARKDOWN, chunks);
				groupStart = -1;
			}
		}
		if (groupStart != -1) {
			add(chunks, lines.chunk(groupStart, groupEnd, section.path(), language, Chunk.Kind.MARKDOWN));
		}
	}

	// A heading goes with the block below it, so that it never makes a chunk by itself.
	private static List<Block> withHeadingsAttached(List<Block> blocks) {
		List<Block> attached = new ArrayList<>(blocks.size());
		int headingStart = -1;
		for (Block block : blocks) {
			if (block.level() > 0) {
				headingStart = (headingStart != -1) ? headingStart : block.start();
				continue;
			}
			int start = (headingStart != -1) ? headingStart : block.start();
			attached.add(new Block(start, block.end(), 0, null, block.fence()));
			headingStart = -1;
		}
		if (headingStart != -1) {
			attached.add(Block.paragraph(headingStart, blocks.getLast().end()));
		}
		return attached;
	}

	private static List<Block> blocks(SourceLines lines) {
		List<Block> blocks = new ArrayList<>();
		int line = frontMatter(lines, blocks);
		while (line < lines.count()) {
			if (lines.isBlank(line)) {
				line++;
				continue;
			}
			String text = lines.line(line);
			Matcher fence = FENCE.matcher(text);
			if (fence.matches() && opensFence(fence)) {
				int end = fenceEnd(lines, line, fence.group(1));
				blocks.add(Block.code(line, end));
				line = end + 1;
				continue;
			}
			Matcher heading = ATX.matcher(text);
			if (text.length() <= LONGEST_HEADING && heading.matches()) {
				blocks.add(Block.heading(line, line, heading.group(1).length(), title(heading.group(2))));
				line++;
				continue;
			}
			line = paragraph(lines, line, blocks);
		}
		return blocks;
	}

	// A paragraph runs to a blank line or to whatever starts another block; its last line
	// turns into a setext heading when an underline follows it.
	private static int paragraph(SourceLines lines, int start, List<Block> blocks) {
		int line = start + 1;
		while (line < lines.count() && !lines.isBlank(line) && !startsBlock(lines.line(line))) {
			Matcher underline = UNDERLINE.matcher(lines.line(line));
			if (underline.matches() && !LIST_OR_QUOTE.matcher(lines.line(line - 1)).matches()) {
				if (line - 1 > start) {
					blocks.add(Block.paragraph(start, line - 2));
				}
				int level = underline.group(1).startsWith("=") ? 1 : 2;
				blocks.add(Block.heading(line - 1, line, level, lines.line(line - 1).strip()));
				return line + 1;
			}
			line++;
		}
		blocks.add(Block.paragraph(start, line - 1));
		return line;
	}

	private static boolean startsBlock(String text) {
		Matcher fence = FENCE.matcher(text);
		return (fence.matches() && opensFence(fence))
				|| (text.length() <= LONGEST_HEADING && ATX.matcher(text).matches());
	}

	private static boolean opensFence(Matcher fence) {
		return fence.group(1).charAt(0) == '~' || fence.group(2).indexOf('`') < 0;
	}

	private static int fenceEnd(SourceLines lines, int start, String opening) {
		for (int line = start + 1; line < lines.count(); line++) {
			String text = lines.line(line).strip();
			if (text.length() >= opening.length() && text.chars().allMatch((c) -> c == opening.charAt(0))
					&& lines.line(line).indexOf(opening.charAt(0)) <= 3) {
				return line;
			}
		}
		// An unclosed fence runs to the end of the document, as renderers show it.
		return lines.count() - 1;
	}

	private static int frontMatter(SourceLines lines, List<Block> blocks) {
		if (lines.count() == 0 || !lines.line(0).strip().equals("---")) {
			return 0;
		}
		for (int line = 1; line < lines.count(); line++) {
			String text = lines.line(line).strip();
			if (text.equals("---") || text.equals("...")) {
				blocks.add(Block.paragraph(0, line));
				return line + 1;
			}
		}
		return 0;
	}

	private static String title(@Nullable String text) {
		return (text != null) ? text.strip() : "";
	}

	private static List<Section> sections(List<Block> blocks, int lineCount) {
		List<Section> sections = new ArrayList<>();
		String[] titles = new String[7];
		Section current = null;
		for (Block block : blocks) {
			if (block.level() > 0) {
				if (current != null) {
					sections.add(current.endingAt(block.start() - 1));
				}
				titles[block.level()] = block.title();
				Arrays.fill(titles, block.level() + 1, titles.length, null);
				current = new Section(block.start(), lineCount - 1, path(titles), block.level(),
						new ArrayList<>(List.of(block)));
				continue;
			}
			if (current == null) {
				current = new Section(block.start(), lineCount - 1, null, 0, new ArrayList<>());
			}
			current.blocks().add(block);
		}
		if (current != null) {
			sections.add(current);
		}
		return withoutBareHeadings(sections);
	}

	private static List<Section> withoutBareHeadings(List<Section> sections) {
		List<Section> kept = new ArrayList<>();
		for (int index = sections.size() - 1; index >= 0; index--) {
			Section section = sections.get(index);
			Section next = kept.isEmpty() ? null : kept.getLast();
			if (next != null && section.isBareHeading() && next.level() > section.level()) {
				kept.set(kept.size() - 1, next.startingWith(section));
				continue;
			}
			kept.add(section);
		}
		return kept.reversed();
	}

	private static @Nullable String path(@Nullable String[] titles) {
		StringBuilder path = new StringBuilder();
		for (String title : titles) {
			if (title == null || title.isEmpty()) {
				continue;
			}
			if (!path.isEmpty()) {
				path.append(SEPARATOR);
			}
			path.append(title);
		}
		return path.isEmpty() ? null : path.toString();
	}

	private static void add(List<Chunk> chunks, @Nullable Chunk chunk) {
		if (chunk != null) {
			chunks.add(chunk);
		}
	}

	/**
	 * A heading, a paragraph or a fenced code block.
	 *
	 * @param start the first line
	 * @param end the last line, inclusive
	 * @param level the heading level, or 0 for anything but a heading
	 * @param title the heading's title, or {@code null} for anything but a heading
	 * @param fence whether this is fenced code
	 */
	private record Block(int start, int end, int level, @Nullable String title, boolean fence) {

		static Block heading(int start, int end, int level, String title) {
			return new Block(start, end, level, title, false);
		}

		static Block paragraph(int start, int end) {
			return new Block(start, end, 0, null, false);
		}

		static Block code(int start, int end) {
			return new Block(start, end, 0, null, true);
		}

	}

	/**
	 * The lines from one heading to the next.
	 *
	 * @param start the first line
	 * @param end the last line, inclusive
	 * @param path the heading path, or {@code null} for the part before any heading
	 * @param level the heading level, or 0 before any heading
	 * @param blocks the blocks of the section, in order
	 */
	private record Section(int start, int end, @Nullable String path, int level, List<Block> blocks) {

		Section endingAt(int line) {
			return new Section(this.start, line, this.path, this.level, this.blocks);
		}

		Section startingWith(Section bare) {
			List<Block> joined = new ArrayList<>(bare.blocks());
			joined.addAll(this.blocks);
			return new Section(bare.start(), this.end, this.path, this.level, joined);
		}

		boolean isBareHeading() {
			return this.level > 0 && this.blocks.size() == 1;
		}

	}

}
