package dev.devassist.rag.index;

import java.util.regex.Pattern;

/**
 * A glob over file paths: {@code *} and {@code ?} stay within one directory, {@code **}
 * crosses directories, {@code {a,b}} offers alternatives. As in {@code .gitignore}, a
 * glob without a slash matches a file name at any depth, so {@code *.java} finds every
 * Java file.
 */
public final class PathGlob {

	static final int MAX_LENGTH = 256;

	private final String glob;

	private final String expression;

	private final Pattern pattern;

	private PathGlob(String glob, String expression) {
		this.glob = glob;
		this.expression = expression;
		this.pattern = Pattern.compile(expression);
	}

	/**
	 * Reads a glob.
	 * @param glob the glob
	 * @return it, compiled
	 * @throws IllegalArgumentException when it is empty, too long or unbalanced, with a
	 * message that says why
	 */
	public static PathGlob of(String glob) {
		if (glob.isBlank()) {
			throw new IllegalArgumentException("A path glob must not be empty");
		}
		if (glob.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("A path glob may have at most " + MAX_LENGTH + " characters");
		}
		String anchored = glob.startsWith("/") ? glob.substring(1) : (glob.contains("/") ? glob : "**/" + glob);
		return new PathGlob(glob, translate(anchored));
	}

	/**
	 * Whether a path matches.
	 * @param path a path with forward slashes and no leading slash
	 * @return true when it does
	 */
	public boolean matches(String path) {
		return this.pattern.matcher(path).matches();
	}

	/**
	 * The glob as a regular expression that both {@link java.util.regex} and Lucene's
	 * {@code RegExp} read the same way: only escapes, groups, alternation, classes with
	 * one negated character and {@code .*}.
	 * @return the expression, matching whole paths
	 */
	public String expression() {
		return this.expression;
	}

	@Override
	public String toString() {
		return this.glob;
	}

	private static String translate(String glob) {
		StringBuilder out = new StringBuilder(glob.length() * 2);
		int braces = 0;
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
				boolean directories = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
				out.append(directories ? "(.*/)?" : ".*");
				i += directories ? 2 : 1;
			}
			else if (c == '*') {
				out.append("[^/]*");
			}
			else if (c == '?') {
				out.append("[^/]");
			}
			else if (c == '{') {
				braces++;
				out.append('(');
			}
			else if (c == '}' && braces > 0) {
				braces--;
				out.append(')');
			}
			else if (c == ',' && braces > 0) {
				out.append('|');
			}
			else if (Character.isLetterOrDigit(c)) {
				out.append(c);
			}
			else {
				out.append('\\').append(c);
			}
		}
		if (braces != 0) {
			throw new IllegalArgumentException("The path glob '" + glob + "' opens a '{' it does not close");
		}
		return out.toString();
	}

}
