package dev.devassist.rag.chunking;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Language ids for file names.
 */
public final class Languages {

	/**
	 * Java source.
	 */
	public static final String JAVA = "java";

	/**
	 * Python source.
	 */
	public static final String PYTHON = "python";

	/**
	 * JavaScript source, JSX included.
	 */
	public static final String JAVASCRIPT = "javascript";

	/**
	 * TypeScript source without JSX.
	 */
	public static final String TYPESCRIPT = "typescript";

	/**
	 * TypeScript source with JSX.
	 */
	public static final String TSX = "tsx";

	/**
	 * Go source.
	 */
	public static final String GO = "go";

	/**
	 * Markdown documents.
	 */
	public static final String MARKDOWN = "markdown";

	/**
	 * Plain prose, and any file whose name says nothing better.
	 */
	public static final String TEXT = "text";

	private static final Map<String, String> BY_EXTENSION = new HashMap<>();

	private static final Map<String, String> BY_NAME = new HashMap<>();

	// Formats that hold data, configuration or prose rather than something that runs.
	private static final Set<String> NOT_CODE = Set.of(MARKDOWN, TEXT, "json", "yaml", "toml", "xml", "csv",
			"properties", "ini");

	private static final Set<String> CODE = new HashSet<>();

	static {
		extensions(JAVA, "java");
		extensions(PYTHON, "py", "pyi", "pyw");
		extensions(JAVASCRIPT, "js", "mjs", "cjs", "jsx");
		extensions(TYPESCRIPT, "ts", "mts", "cts");
		extensions(TSX, "tsx");
		extensions(GO, "go");
		extensions(MARKDOWN, "md", "markdown", "mdown", "mkd", "mdx");
		extensions(TEXT, "txt", "text", "rst", "adoc", "asciidoc");
		extensions("kotlin", "kt", "kts");
		extensions("rust", "rs");
		extensions("c", "c", "h");
		extensions("cpp", "cc", "cpp", "cxx", "c++", "hpp", "hh", "hxx", "h++", "ipp");
		extensions("csharp", "cs", "csx");
		extensions("fsharp", "fs", "fsi", "fsx");
		extensions("ruby", "rb", "rake", "gemspec");
		extensions("php", "php");
		extensions("scala", "scala", "sc");
		extensions("groovy", "groovy");
		extensions("gradle", "gradle");
		extensions("swift", "swift");
		extensions("dart", "dart");
		extensions("lua", "lua");
		extensions("perl", "pl", "pm");
		extensions("r", "r");
		extensions("julia", "jl");
		extensions("elixir", "ex", "exs");
		extensions("erlang", "erl", "hrl");
		extensions("haskell", "hs");
		extensions("clojure", "clj", "cljs", "cljc", "edn");
		extensions("zig", "zig");
		extensions("vue", "vue");
		extensions("svelte", "svelte");
		extensions("shell", "sh", "bash", "zsh", "ksh", "fish");
		extensions("powershell", "ps1", "psm1");
		extensions("batch", "bat", "cmd");
		extensions("sql", "sql");
		extensions("html", "html", "htm", "xhtml");
		extensions("css", "css", "scss", "sass", "less");
		extensions("protobuf", "proto");
		extensions("graphql", "graphql", "gql");
		extensions("hcl", "tf", "tfvars", "hcl");
		extensions("dockerfile", "dockerfile");
		extensions("makefile", "mk");
		extensions("cmake", "cmake");
		extensions("json", "json", "jsonc", "json5");
		extensions("yaml", "yml", "yaml");
		extensions("toml", "toml");
		extensions("xml", "xml", "xsd", "xsl", "xslt", "wsdl", "pom");
		extensions("csv", "csv", "tsv");
		extensions("properties", "properties");
		extensions("ini", "ini", "cfg", "conf");
		names("dockerfile", "dockerfile", "containerfile");
		names("makefile", "makefile", "gnumakefile");
		names("cmake", "cmakelists.txt");
		names("ruby", "gemfile", "rakefile");
		names("groovy", "jenkinsfile");
		names("shell", ".bashrc", ".bash_profile", ".zshrc", ".profile");
	}

	private Languages() {
	}

	/**
	 * Returns the language id for the file at the given path, judged by its name.
	 * @param path a path with either kind of separator
	 * @return the language id; {@link #TEXT} when the name says nothing better
	 */
	public static String of(String path) {
		String name = fileName(path).toLowerCase(Locale.ROOT);
		String byName = BY_NAME.get(name);
		if (byName != null) {
			return byName;
		}
		if (name.endsWith(".gradle.kts")) {
			return "gradle";
		}
		if (name.startsWith("dockerfile.")) {
			return "dockerfile";
		}
		int dot = name.lastIndexOf('.');
		if (dot <= 0) {
			return TEXT;
		}
		return BY_EXTENSION.getOrDefault(name.substring(dot + 1), TEXT);
	}

	/**
	 * Returns whether the language holds code rather than prose, data or configuration.
	 * @param language a language id from {@link #of(String)}
	 * @return {@code true} for programming, build, query, style and markup languages
	 */
	public static boolean isCode(String language) {
		return CODE.contains(language);
	}

	private static String fileName(String path) {
		int separator = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
		return path.substring(separator + 1);
	}

	private static void extensions(String language, String... extensions) {
		for (String extension : extensions) {
			BY_EXTENSION.put(extension, language);
		}
		register(language);
	}

	private static void names(String language, String... names) {
		for (String name : names) {
			BY_NAME.put(name, language);
		}
		register(language);
	}

	private static void register(String language) {
		if (!NOT_CODE.contains(language)) {
			CODE.add(language);
		}
	}

}
