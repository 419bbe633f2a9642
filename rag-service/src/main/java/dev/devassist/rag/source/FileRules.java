package dev.devassist.rag.source;

import java.util.Locale;
import java.util.Set;

/**
 * Which files of a repository are worth indexing: not dependencies, build output, lock
 * files, minified bundles or binary formats, whose text would only crowd out the team's
 * own code in search.
 */
public final class FileRules {

	private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "node_modules", "vendor", "target", "build",
			"dist", "out", ".gradle", ".idea", ".vscode", "__pycache__", ".venv", "venv", ".mvn", ".next", ".cache",
			"coverage", "bower_components");

	private static final Set<String> SKIPPED_NAMES = Set.of("package-lock.json", "yarn.lock", "pnpm-lock.yaml",
			"poetry.lock", "Cargo.lock", "go.sum", "composer.lock", "Gemfile.lock", "mvnw", "mvnw.cmd", "gradlew",
			"gradlew.bat");

	private static final Set<String> BINARY_EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "ico", "webp",
			"svg", "mp3", "mp4", "mov", "avi", "wav", "ogg", "zip", "gz", "tgz", "bz2", "xz", "7z", "rar", "jar", "war",
			"ear", "class", "so", "dll", "dylib", "exe", "bin", "o", "a", "pyc", "pyo", "woff", "woff2", "ttf", "otf",
			"eot", "onnx", "pt", "safetensors", "parquet", "db", "sqlite", "lock", "map");

	/**
	 * Whether a repository path should be indexed.
	 * @param path the path, with forward slashes
	 * @return false for dependencies, build output, lock files, minified and binary files
	 */
	public boolean isWanted(String path) {
		String[] segments = path.split("/");
		for (int i = 0; i < segments.length - 1; i++) {
			if (SKIPPED_DIRECTORIES.contains(segments[i])) {
				return false;
			}
		}
		String name = segments[segments.length - 1];
		if (SKIPPED_NAMES.contains(name) || name.endsWith(".min.js") || name.endsWith(".min.css")) {
			return false;
		}
		int dot = name.lastIndexOf('.');
		String extension = (dot >= 0) ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
		return !BINARY_EXTENSIONS.contains(extension);
	}

}
