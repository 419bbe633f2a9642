package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.treesitter.TSNode;

/**
 * Splits source code along its declarations, as a tree-sitter grammar sees them.
 * <p>
 * The file is first divided, line by line, among its top-level nodes, each comment or
 * decorator right above a declaration going with it. A container (a class, an interface,
 * a namespace) that is over the budget is divided the same way among its members, below a
 * header piece that holds its opening lines, and so on down. Neighbouring pieces are then
 * packed into chunks while they fit the budget and one of the two is small, so imports,
 * fields and one-line functions do not end up as fragments, while a declaration of some
 * size keeps a chunk of its own. Packing may go on from the top level into a container
 * but not back out of it. A piece over the budget that cannot be divided further is
 * covered with line windows that all carry its symbol.
 * <p>
 * Symbols are qualified with the containers' names and a dot: {@code Outer.Inner.method}
 * in Java, {@code Class.method} in Python, {@code Class.method} or
 * {@code Namespace.function} in JavaScript and TypeScript, and {@code Type.Method} for a
 * Go method, whatever its receiver's pointer or type arguments. A chunk packed from
 * several declarations carries their container's name when one of them is that container,
 * and otherwise their names joined with a comma.
 * <p>
 * Where the file cannot be parsed, or much of it is an error to the parser, or its lines
 * are so long that it is minified or generated, the chunker falls back to line windows.
 */
final class SyntaxChunker implements Chunker {

	// Minified and generated files have nothing to follow and cost the parser time.
	private static final int LONGEST_PARSED_LINE = 10_000;

	// A tree takes native memory, measured at about 25 times the size of the source,
	// until the binding's cleaner frees it after garbage collection.
	private static final int LARGEST_PARSED_FILE = 1024 * 1024;

	// Errors at the top level may cover a quarter of the content lines before the outline
	// is no better than line windows.
	private static final int ERROR_LINES_DIVISOR = 4;

	private final int budget;

	private final int small;

	private final LineWindows windows;

	private final LineChunker fallback;

	SyntaxChunker(int maxTokens) {
		this.budget = maxTokens;
		this.small = Math.max(1, maxTokens / 4);
		this.windows = new LineWindows(maxTokens, LineChunker.OVERLAP_LINES);
		this.fallback = new LineChunker(maxTokens);
	}

	@Override
	public List<Chunk> chunk(String path, String text) {
		return chunk(SourceLines.of(text), Languages.of(path));
	}

	List<Chunk> chunk(SourceLines lines, String language) {
		if (!lines.hasContent()) {
			return List.of();
		}
		List<Grammar> grammars = Grammar.forLanguage(language);
		if (grammars.isEmpty() || lines.text().length() > LARGEST_PARSED_FILE
				|| lines.longestLine() > LONGEST_PARSED_LINE) {
			return this.fallback.chunk(lines, language);
		}

		try {
			SyntaxTree tree = bestTree(grammars, lines);
			return (tree != null) ? outline(tree, lines, language) : this.fallback.chunk(lines, language);
		}
		catch (RuntimeException | LinkageError ex) {
			// A grammar whose native library cannot load, or a tree that surprises the
			// walk, costs the file its outline, not its place in the index.
			return this.fallback.chunk(lines, language);
		}
	}

	private List<Chunk> outline(SyntaxTree tree, SourceLines lines, String language) {
		List<TSNode> nodes = SyntaxTree.namedChildren(tree.root());
		List<Piece> leaves = new ArrayList<>();
		for (Piece piece : partition(tree, lines, nodes, 0, lines.count() - 1, null)) {
			expand(tree, lines, piece, leaves);
		}
		return pack(lines, leaves, language);
	}

	// The tree with the fewest errors at the top level wins, and the earlier grammar on
	// a tie: for TSX, TypeScript, unless the JSX at the top level is where it fails.
	private @Nullable SyntaxTree bestTree(List<Grammar> grammars, SourceLines lines) {
		SyntaxTree best = null;
		int fewestBroken = Integer.MAX_VALUE;
		for (Grammar grammar : grammars) {
			SyntaxTree tree = SyntaxTree.parse(grammar, lines);
			int broken = (tree != null) ? tree.topLevelErrorLines() : Integer.MAX_VALUE;
			if (broken < fewestBroken) {
				best = tree;
				fewestBroken = broken;
			}
			if (broken == 0) {
				break;
			}
		}
		int contentLines = lines.count() - blankLines(lines);
		return (fewestBroken * ERROR_LINES_DIVISOR <= contentLines) ? best : null;
	}

	private static int blankLines(SourceLines lines) {
		int blank = 0;
		for (int line = 0; line < lines.count(); line++) {
			if (lines.isBlank(line)) {
				blank++;
			}
		}
		return blank;
	}

	// Gives every line from..to to exactly one of the nodes' pieces: a node that starts
	// on a line already taken gives up that line, one that lies wholly on taken lines
	// joins the piece before it, and lines between nodes go to the piece after them.
	private List<Piece> partition(SyntaxTree tree, SourceLines lines, List<TSNode> nodes, int from, int to,
			@Nullable String scope) {
		List<Piece> pieces = new ArrayList<>();
		int taken = from - 1;
		for (TSNode node : nodes) {
			SyntaxTree.Span span = tree.span(node);
			int end = Math.min(span.end(), to);
			if (end <= taken) {
				continue;
			}
			int start = Math.max(span.start(), taken + 1);
			pieces.add(piece(tree, node, start, end, scope));
			taken = end;
		}
		if (pieces.isEmpty()) {
			return List.of(new Piece(from, to, scope, scope, Role.OTHER, null));
		}

		attachLeading(lines, pieces);

		List<Piece> contiguous = new ArrayList<>(pieces.size());
		for (int index = 0; index < pieces.size(); index++) {
			int start = (index == 0) ? from : contiguous.get(index - 1).end() + 1;
			int end = (index == pieces.size() - 1) ? to : pieces.get(index).end();
			contiguous.add(pieces.get(index).spanning(start, end));
		}
		return contiguous;
	}

	private static Piece piece(SyntaxTree tree, TSNode node, int start, int end, @Nullable String scope) {
		Grammar grammar = tree.grammar();
		String type = node.getType();
		if (grammar.isLeading(type)) {
			return new Piece(start, end, scope, scope, Role.LEADING, null);
		}
		Grammar.Declaration declaration = grammar.declaration(node, type, tree, scope);
		if (declaration == null) {
			return new Piece(start, end, scope, scope, Role.OTHER, null);
		}
		String symbol = (scope != null) ? scope + "." + declaration.name() : declaration.name();
		return new Piece(start, end, symbol, scope, Role.DECLARATION, declaration.body());
	}

	// Walks backwards so that a run of comments above a declaration joins it one by one.
	private static void attachLeading(SourceLines lines, List<Piece> pieces) {
		for (int index = pieces.size() - 2; index >= 0; index--) {
			Piece leading = pieces.get(index);
			Piece next = pieces.get(index + 1);
			if (leading.role() == Role.LEADING && next.role() == Role.DECLARATION
					&& lines.firstBlank(leading.end() + 1, next.start() - 1) == -1) {
				pieces.set(index, next.spanning(leading.start(), next.end()));
				pieces.remove(index + 1);
			}
		}
	}

	private void expand(SyntaxTree tree, SourceLines lines, Piece piece, List<Piece> leaves) {
		TSNode body = piece.body();
		if (body == null || lines.tokens(piece.start(), piece.end()) <= this.budget) {
			leaves.add(piece);
			return;
		}
		List<TSNode> members = tree.grammar().members(body);
		if (members.isEmpty()) {
			leaves.add(piece);
			return;
		}

		int first = Math.max(piece.start(), tree.startLine(members.getFirst()));
		if (first > piece.start()) {
			leaves.add(new Piece(piece.start(), first - 1, piece.symbol(), piece.symbol(), Role.HEADER, null));
		}

		for (Piece member : partition(tree, lines, members, first, piece.end(), piece.symbol())) {
			expand(tree, lines, member, leaves);
		}
	}

	private List<Chunk> pack(SourceLines lines, List<Piece> leaves, String language) {
		List<Chunk> chunks = new ArrayList<>();
		List<Piece> group = new ArrayList<>();
		for (Piece leaf : leaves) {
			int tokens = lines.tokens(leaf.start(), leaf.end());
			if (!group.isEmpty() && fitsWith(lines, group, leaf, tokens)) {
				group.add(leaf);
				continue;
			}

			flush(lines, group, language, chunks);

			if (tokens > this.budget) {
				this.windows.cover(lines, leaf.start(), leaf.end(), leaf.symbol(), language, Chunk.Kind.CODE, chunks);
			}
			else {
				group.add(leaf);
			}
		}
		flush(lines, group, language, chunks);
		return chunks;
	}

	// A group may go on into a container, from the imports into a class's header and
	// fields, but not out of one, so that a class's last method and the function after
	// the class stay apart; and a header after declarations opens a group of its own.
	private boolean fitsWith(SourceLines lines, List<Piece> group, Piece leaf, int tokens) {
		int start = group.getFirst().start();
		if (lines.tokens(start, leaf.end()) > this.budget || !isWithin(leaf.scope(), group.getLast().scope())) {
			return false;
		}
		if (leaf.role() == Role.HEADER && group.stream().anyMatch((piece) -> piece.role() == Role.DECLARATION)) {
			return false;
		}
		return tokens < this.small || lines.tokens(start, group.getLast().end()) < this.small;
	}

	private static boolean isWithin(@Nullable String scope, @Nullable String outer) {
		return outer == null || outer.equals(scope) || (scope != null && scope.startsWith(outer + "."));
	}

	private static void flush(SourceLines lines, List<Piece> group, String language, List<Chunk> chunks) {
		if (group.isEmpty()) {
			return;
		}
		Chunk chunk = lines.chunk(group.getFirst().start(), group.getLast().end(), symbol(group), language,
				Chunk.Kind.CODE);
		if (chunk != null) {
			chunks.add(chunk);
		}
		group.clear();
	}

	private static @Nullable String symbol(List<Piece> group) {
		Set<String> symbols = new LinkedHashSet<>();
		for (Piece piece : group) {
			if (piece.symbol() != null) {
				symbols.add(piece.symbol());
			}
		}
		if (symbols.size() <= 1) {
			return symbols.isEmpty() ? null : symbols.iterator().next();
		}
		String shortest = null;
		for (String symbol : symbols) {
			if (shortest == null || symbol.length() < shortest.length()) {
				shortest = symbol;
			}
		}
		for (String symbol : symbols) {
			if (!symbol.equals(shortest) && !symbol.startsWith(shortest + ".")) {
				return String.join(", ", symbols);
			}
		}
		return shortest;
	}

	/**
	 * Lines of the file that go into one chunk unless they are split further.
	 *
	 * @param start the first line
	 * @param end the last line, inclusive
	 * @param symbol the qualified name of the declaration, or for anything else that of
	 * the enclosing container, or {@code null} at the top level
	 * @param scope the qualified name of the container the piece lies in, its own name
	 * for a container's header, or {@code null} at the top level
	 * @param role what the piece is to the pieces around it
	 * @param body the body to split along when the piece is over the budget
	 */
	private record Piece(int start, int end, @Nullable String symbol, @Nullable String scope, Role role,
			@Nullable TSNode body) {

		Piece spanning(int start, int end) {
			return new Piece(start, end, this.symbol, this.scope, this.role, this.body);
		}

	}

	/**
	 * What a piece is to the pieces around it.
	 */
	private enum Role {

		/**
		 * A declaration with a name of its own.
		 */
		DECLARATION,

		/**
		 * A comment or decorator that joins the declaration right below it.
		 */
		LEADING,

		/**
		 * The opening lines of a container that was split into its members.
		 */
		HEADER,

		/**
		 * Anything else: imports, fields, statements.
		 */
		OTHER

	}

}
