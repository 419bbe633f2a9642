package dev.devassist.rag.chunking;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.treesitter.TSNode;
import org.treesitter.TSParser;
import org.treesitter.TSPoint;
import org.treesitter.TSTree;

/**
 * A tree-sitter tree of a file, with its nodes' lines and text.
 * <p>
 * Lines come from the nodes' row positions rather than from their byte offsets, which
 * count UTF-8 bytes; the bytes are kept only to read names out of the source.
 */
final class SyntaxTree {

	// Walking a badly broken tree costs a native call per node; this many are enough to
	// tell that it is broken.
	private static final int MOST_ERROR_NODES_VISITED = 10_000;

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
	 * Returns the last line that holds part of a node.
	 * @param node the node
	 * @return the line, counted from 0
	 */
	int endLine(TSNode node) {
		TSPoint end = node.getEndPoint();
		int row = end.getRow();
		// A node that takes the line break with it ends at column 0 of the next row.
		if (end.getColumn() == 0 && row > node.getStartPoint().getRow()) {
			row--;
		}
		return Math.min(row, this.lastLine);
	}

	/**
	 * Returns the named children of a node, comments among them.
	 * @param node the node
	 * @return its named children, in order
	 */
	static List<TSNode> namedChildren(TSNode node) {
		int count = node.getNamedChildCount();
		List<TSNode> children = new ArrayList<>(count);
		for (int index = 0; index < count; index++) {
			children.add(node.getNamedChild(index));
		}
		return children;
	}

	/**
	 * Counts the lines that the parser could not make sense of: those under error nodes
	 * and those where it had to invent a missing token.
	 * @return the count; more than the file's lines when the tree is too broken to walk
	 */
	int errorLines() {
		TSNode root = root();
		if (!root.hasError()) {
			return 0;
		}
		int lines = 0;
		int visited = 0;
		Deque<TSNode> pending = new ArrayDeque<>();
		pending.push(root);
		while (!pending.isEmpty()) {
			if (++visited > MOST_ERROR_NODES_VISITED) {
				return this.lastLine + 2;
			}
			TSNode node = pending.pop();
			if (node.isError()) {
				lines += endLine(node) - startLine(node) + 1;
			}
			else if (node.isMissing()) {
				lines++;
			}
			else if (node.hasError()) {
				for (int index = node.getChildCount() - 1; index >= 0; index--) {
					pending.push(node.getChild(index));
				}
			}
		}
		return lines;
	}

}
