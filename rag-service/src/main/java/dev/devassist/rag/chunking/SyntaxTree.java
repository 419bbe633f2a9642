package dev.devassist.rag.chunking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.treesitter.TSNode;
import org.treesitter.TSParser;
import org.treesitter.TSPoint;
import org.treesitter.TSTree;
import org.treesitter.TSTreeCursor;

/**
 * A tree-sitter tree of a file, with its nodes' lines and text.
 * <p>
 * Lines come from the nodes' row positions rather than from their byte offsets, which
 * count UTF-8 bytes; the bytes are kept only to read names out of the source.
 */
final class SyntaxTree {

	// A child by index costs a native call that scans from the first child, which many
	// children turn quadratic; a cursor steps from one child to the next, at three
	// native calls a step, each of which costs more than the scan of a few hundred.
	private static final int MOST_CHILDREN_BY_INDEX = 512;

	private final Grammar grammar;

	private final TSTree tree;

	private final byte[] source;

	private final int lastLine;

	private SyntaxTree(Grammar grammar, TSTree tree, byte[] source, int lastLine) {
		this.grammar = grammar;
		this.tree = tree;
		this.source = source;
		this.lastLine = lastLine;
	}

	/**
	 * Parses the lines of a file.
	 * @param grammar the grammar to parse with
	 * @param lines the file's lines
	 * @return the tree, or {@code null} when the parser refuses the grammar
	 */
	static @Nullable SyntaxTree parse(Grammar grammar, SourceLines lines) {
		TSParser parser = new TSParser();
		if (!parser.setLanguage(grammar.language())) {
			return null;
		}
		String text = lines.normalized();
		byte[] source = text.getBytes(StandardCharsets.UTF_8);
		if (source.length != text.length()) {
			// Decoding the bytes back replaces unpaired surrogates, so that the parser's
			// offsets and these bytes agree whatever the text holds.
			text = new String(source, StandardCharsets.UTF_8);
		}
		TSTree tree = parser.parseString(null, text);
		return new SyntaxTree(grammar, tree, source, lines.count() - 1);
	}

	Grammar grammar() {
		return this.grammar;
	}

	TSNode root() {
		return this.tree.getRootNode();
	}

	/**
	 * Returns the source text of a node.
	 * @param node the node
	 * @return its text
	 */
	String text(TSNode node) {
		int start = node.getStartByte();
		int end = Math.min(node.getEndByte(), this.source.length);
		return new String(this.source, start, Math.max(0, end - start), StandardCharsets.UTF_8);
	}

	/**
	 * Returns the line a node starts on.
	 * @param node the node
	 * @return the line, counted from 0
	 */
	int startLine(TSNode node) {
		return Math.min(node.getStartPoint().getRow(), this.lastLine);
	}

	/**
	 * Returns the lines that hold part of a node.
	 * @param node the node
	 * @return the lines, counted from 0
	 */
	Span span(TSNode node) {
		TSPoint start = node.getStartPoint();
		TSPoint end = node.getEndPoint();
		int last = end.getRow();
		// A node that takes the line break with it ends at column 0 of the next row.
		if (end.getColumn() == 0 && last > start.getRow()) {
			last--;
		}
		return new Span(Math.min(start.getRow(), this.lastLine), Math.min(last, this.lastLine));
	}

	/**
	 * Returns the named children of a node, comments among them.
	 * @param node the node
	 * @return its named children, in order
	 */
	static List<TSNode> namedChildren(TSNode node) {
		int count = node.getNamedChildCount();
		List<TSNode> children = new ArrayList<>(count);
		if (count <= MOST_CHILDREN_BY_INDEX) {
			for (int index = 0; index < count; index++) {
				children.add(node.getNamedChild(index));
			}
			return children;
		}
		TSTreeCursor cursor = new TSTreeCursor(node);
		cursor.gotoFirstChild();
		do {
			TSNode child = cursor.currentNode();
			if (child.isNamed()) {
				children.add(child);
			}
		}
		while (cursor.gotoNextSibling());
		return children;
	}

	/**
	 * Counts the lines under error nodes at the top level of the tree, which the outline
	 * of the file does not account for. Errors further down leave the declarations around
	 * them where they are.
	 * @return the count
	 */
	int topLevelErrorLines() {
		TSNode root = root();
		if (!root.hasError()) {
			return 0;
		}
		if (root.isError()) {
			return this.lastLine + 1;
		}
		int lines = 0;
		for (TSNode child : namedChildren(root)) {
			if (child.isError()) {
				Span span = span(child);
				lines += span.end() - span.start() + 1;
			}
		}
		return lines;
	}

	/**
	 * The lines a node spans.
	 *
	 * @param start the first line, counted from 0
	 * @param end the last line, inclusive
	 */
	record Span(int start, int end) {

	}

}
