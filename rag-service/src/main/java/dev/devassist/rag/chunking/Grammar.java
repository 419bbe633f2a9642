package dev.devassist.rag.chunking;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;
import org.treesitter.TSLanguage;
import org.treesitter.TSNode;
import org.treesitter.TreeSitterGo;
import org.treesitter.TreeSitterJava;
import org.treesitter.TreeSitterJavascript;
import org.treesitter.TreeSitterPython;
import org.treesitter.TreeSitterTypescript;

/**
 * What the syntax chunker needs to know of each tree-sitter grammar: which nodes declare
 * something, under what name, and which of them hold members worth splitting along.
 */
enum Grammar {

	/**
	 * Java: types split into methods, constructors, fields and nested types.
	 */
	JAVA {

		@Override
		TSLanguage language() {
			return new TreeSitterJava();
		}

		@Override
		@Nullable Declaration declaration(TSNode node, String type, SyntaxTree tree, @Nullable String scope) {
			return switch (type) {
				case "class_declaration", "interface_declaration", "enum_declaration", "record_declaration",
						"annotation_type_declaration" ->
					named(node, tree, field(node, "body"));
				case "method_declaration", "constructor_declaration", "annotation_type_element_declaration" ->
					named(node, tree, null);
				case "compact_constructor_declaration" ->
					(scope != null) ? new Declaration(scope.substring(scope.lastIndexOf('.') + 1), null) : null;
				default -> null;
			};
		}

		@Override
		List<TSNode> members(TSNode body) {
			List<TSNode> members = new ArrayList<>();
			for (TSNode child : SyntaxTree.namedChildren(body)) {
				// An enum's members follow its constants in a node of their own.
				if (child.getType().equals("enum_body_declarations")) {
					members.addAll(SyntaxTree.namedChildren(child));
				}
				else {
					members.add(child);
				}
			}
			return members;
		}

	},

	/**
	 * Python: classes split into methods; decorators stay with what they decorate.
	 */
	PYTHON {

		@Override
		TSLanguage language() {
			return new TreeSitterPython();
		}

		@Override
		@Nullable Declaration declaration(TSNode node, String type, SyntaxTree tree, @Nullable String scope) {
			return switch (type) {
				case "class_definition" -> named(node, tree, field(node, "body"));
				case "function_definition" -> named(node, tree, null);
				case "decorated_definition" -> {
					TSNode definition = field(node, "definition");
					yield (definition != null) ? declaration(definition, definition.getType(), tree, scope) : null;
				}
				default -> null;
			};
		}

	},

	/**
	 * JavaScript, JSX included.
	 */
	JAVASCRIPT {

		@Override
		TSLanguage language() {
			return new TreeSitterJavascript();
		}

		@Override
		@Nullable Declaration declaration(TSNode node, String type, SyntaxTree tree, @Nullable String scope) {
			return scriptDeclaration(node, type, tree, scope);
		}

	},

	/**
	 * TypeScript: classes, interfaces and namespaces split into their members.
	 */
	TYPESCRIPT {

		@Override
		TSLanguage language() {
			return new TreeSitterTypescript();
		}

		@Override
		@Nullable Declaration declaration(TSNode node, String type, SyntaxTree tree, @Nullable String scope) {
			return scriptDeclaration(node, type, tree, scope);
		}

	},

	/**
	 * Go: functions, methods named {@code Type.Method}, and type declarations.
	 */
	GO {

		@Override
		TSLanguage language() {
			return new TreeSitterGo();
		}

		@Override
		@Nullable Declaration declaration(TSNode node, String type, SyntaxTree tree, @Nullable String scope) {
			return switch (type) {
				case "function_declaration" -> named(node, tree, null);
				case "method_declaration" -> method(node, tree);
				case "type_declaration" -> types(node, tree);
				default -> null;
			};
		}

		private @Nullable Declaration method(TSNode node, SyntaxTree tree) {
			TSNode name = field(node, "name");
			if (name == null) {
				return null;
			}
			String receiver = receiverType(node, tree);
			String method = tree.text(name);
			return new Declaration((receiver != null) ? receiver + "." + method : method, null);
		}

		// "(s *Stack[T])" names the type "Stack": no pointer, no type arguments.
		private @Nullable String receiverType(TSNode node, SyntaxTree tree) {
			TSNode receiver = field(node, "receiver");
			if (receiver == null || receiver.getNamedChildCount() == 0) {
				return null;
			}
			TSNode type = field(receiver.getNamedChild(0), "type");
			if (type == null) {
				return null;
			}
			String text = tree.text(type).replace("*", "").strip();
			int arguments = text.indexOf('[');
			return (arguments >= 0) ? text.substring(0, arguments).strip() : text;
		}

		private @Nullable Declaration types(TSNode node, SyntaxTree tree) {
			StringJoiner names = new StringJoiner(", ");
			for (TSNode child : SyntaxTree.namedChildren(node)) {
				TSNode name = field(child, "name");
				if (name != null) {
					names.add(tree.text(name));
				}
			}
			return (names.length() > 0) ? new Declaration(names.toString(), null) : null;
		}

	};

	private static final Set<String> LEADING = Set.of("comment", "line_comment", "block_comment", "decorator");

	// A longer assignment target is an expression rather than a name.
	private static final int LONGEST_ASSIGNED_NAME = 80;

	private static final Set<String> SCRIPT_FUNCTIONS = Set.of("arrow_function", "function_expression", "function",
			"generator_function", "class");

	/**
	 * Returns the grammar's language; a new handle each time, since it is cheap and the
	 * native library loads only when a grammar is first used.
	 * @return the language
	 */
	abstract TSLanguage language();

	/**
	 * Returns what a node declares.
	 * @param node a node among the children of a file or of a container's body
	 * @param type the node's type, which callers have already read
	 * @param tree the tree the node belongs to
	 * @param scope the qualified name of the enclosing container, or {@code null} at the
	 * top level
	 * @return the declaration, or {@code null} when the node declares nothing worth a
	 * symbol, as imports, fields and statements do not
	 */
	abstract @Nullable Declaration declaration(TSNode node, String type, SyntaxTree tree, @Nullable String scope);

	/**
	 * Returns the members of a container's body.
	 * @param body the body a {@link Declaration} named
	 * @return its members, comments among them, in order
	 */
	List<TSNode> members(TSNode body) {
		return SyntaxTree.namedChildren(body);
	}

	/**
	 * Returns whether nodes of a type belong with the declaration right below them.
	 * @param type the nodes' type
	 * @return {@code true} for comments and decorators
	 */
	boolean isLeading(String type) {
		return LEADING.contains(type);
	}

	/**
	 * Returns the grammars to try for a language, best first.
	 * @param language a language id
	 * @return the grammars; empty when there is none for the language
	 */
	static List<Grammar> forLanguage(String language) {
		return switch (language) {
			case Languages.JAVA -> List.of(JAVA);
			case Languages.PYTHON -> List.of(PYTHON);
			case Languages.JAVASCRIPT -> List.of(JAVASCRIPT);
			case Languages.TYPESCRIPT -> List.of(TYPESCRIPT);
			// No TSX grammar ships, so TSX gets whichever of these fits it better.
			case Languages.TSX -> List.of(TYPESCRIPT, JAVASCRIPT);
			case Languages.GO -> List.of(GO);
			default -> List.of();
		};
	}

	private static @Nullable Declaration scriptDeclaration(TSNode node, String type, SyntaxTree tree,
			@Nullable String scope) {
		return switch (type) {
			case "export_statement" -> exported(node, tree, scope);
			case "ambient_declaration", "expression_statement" -> wrapped(node, tree, scope);
			case "class_declaration", "abstract_class_declaration", "class", "interface_declaration" ->
				named(node, tree, field(node, "body"));
			case "internal_module", "module" -> {
				Declaration module = named(node, tree, field(node, "body"));
				yield (module != null) ? new Declaration(unquoted(module.name()), module.body()) : null;
			}
			case "function_declaration", "generator_function_declaration", "function_signature",
					"type_alias_declaration", "enum_declaration", "method_definition", "method_signature",
					"abstract_method_signature" ->
				named(node, tree, null);
			case "field_definition", "public_field_definition" -> fieldFunction(node, tree);
			case "lexical_declaration", "variable_declaration" -> variableFunction(node, tree);
			default -> null;
		};
	}

	// "declare module 'm' {}" and "namespace N {}" wrap what they declare, and so does a
	// statement that assigns a function.
	private static @Nullable Declaration wrapped(TSNode node, SyntaxTree tree, @Nullable String scope) {
		if (node.getNamedChildCount() == 0) {
			return null;
		}
		TSNode inner = node.getNamedChild(0);
		String type = inner.getType();
		if (type.equals("assignment_expression")) {
			return assignedFunction(inner, tree);
		}
		return scriptDeclaration(inner, type, tree, scope);
	}

	// "module.exports = function () {}" and "Cart.prototype.add = function () {}" are how
	// CommonJS and older code declare functions.
	private static @Nullable Declaration assignedFunction(TSNode node, SyntaxTree tree) {
		TSNode target = field(node, "left");
		TSNode value = field(node, "right");
		if (target == null || value == null || !SCRIPT_FUNCTIONS.contains(value.getType())) {
			return null;
		}
		String name = tree.text(target);
		if (name.length() > LONGEST_ASSIGNED_NAME || name.chars().anyMatch(Character::isWhitespace)) {
			return null;
		}
		TSNode body = value.getType().equals("class") ? field(value, "body") : null;
		return new Declaration(name, body);
	}

	private static @Nullable Declaration exported(TSNode node, SyntaxTree tree, @Nullable String scope) {
		TSNode declaration = field(node, "declaration");
		if (declaration != null) {
			return scriptDeclaration(declaration, declaration.getType(), tree, scope);
		}
		TSNode value = field(node, "value");
		if (value != null && SCRIPT_FUNCTIONS.contains(value.getType())) {
			return new Declaration("default", field(value, "body"));
		}
		return null;
	}

	// "handle = () => {}" in a class is a method in all but syntax.
	private static @Nullable Declaration fieldFunction(TSNode node, SyntaxTree tree) {
		TSNode name = field(node, "property");
		if (name == null) {
			name = field(node, "name");
		}
		TSNode value = field(node, "value");
		if (name == null || value == null || !SCRIPT_FUNCTIONS.contains(value.getType())) {
			return null;
		}
		return new Declaration(tree.text(name), null);
	}

	// "const Button = () => {}" declares a function as surely as "function Button()".
	private static @Nullable Declaration variableFunction(TSNode node, SyntaxTree tree) {
		List<TSNode> declarators = new ArrayList<>();
		for (TSNode child : SyntaxTree.namedChildren(node)) {
			if (child.getType().equals("variable_declarator")) {
				declarators.add(child);
			}
		}
		if (declarators.size() != 1) {
			return null;
		}
		TSNode name = field(declarators.getFirst(), "name");
		TSNode value = field(declarators.getFirst(), "value");
		if (name == null || value == null || !SCRIPT_FUNCTIONS.contains(value.getType())) {
			return null;
		}
		TSNode body = value.getType().equals("class") ? field(value, "body") : null;
		return new Declaration(tree.text(name), body);
	}

	private static @Nullable Declaration named(TSNode node, SyntaxTree tree, @Nullable TSNode body) {
		TSNode name = field(node, "name");
		return (name != null) ? new Declaration(tree.text(name), body) : null;
	}

	private static @Nullable TSNode field(TSNode node, String name) {
		TSNode child = node.getChildByFieldName(name);
		return (child != null && !child.isNull()) ? child : null;
	}

	private static String unquoted(String name) {
		if (name.length() >= 2 && (name.startsWith("\"") || name.startsWith("'"))) {
			return name.substring(1, name.length() - 1);
		}
		return name;
	}

	/**
	 * What a node declares.
	 *
	 * @param name the declared name, not yet qualified by its container
	 * @param body the body whose members the declaration may be split into, or
	 * {@code null} when it is not split further
	 */
	record Declaration(String name, @Nullable TSNode body) {

	}

}
