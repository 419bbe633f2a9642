package dev.devassist.rag.source;

import dev.devassist.platform.web.ApiException;

/**
 * Checks the names that uploads and archive entries give their files. A name becomes a
 * path inside the source, and it must stay inside: no absolute paths, no {@code ..}, no
 * drive letters, no backslashes, no control characters.
 */
final class UploadPaths {

	static final int MAX_LENGTH = 512;

	private UploadPaths() {
	}

	/**
	 * Checks a name and returns it as a source path.
	 * @param name the name given
	 * @param field the request field it came in, for the error
	 * @return the path, with forward slashes and no empty segments
	 * @throws ApiException (400) saying what is wrong with it
	 */
	static String clean(String name, String field) {
		if (name.isBlank() || name.length() > MAX_LENGTH) {
			throw refused(field, name, "must have 1 to " + MAX_LENGTH + " characters");
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c < 0x20 || c == 0x7f) {
				throw refused(field, name, "holds a control character");
			}
			if (c == '\\') {
				throw refused(field, name, "holds a backslash; use '/' between directories");
			}
		}
		if (name.startsWith("/") || (name.length() > 1 && name.charAt(1) == ':')) {
			throw refused(field, name, "is absolute; give a path relative to the source");
		}
		StringBuilder path = new StringBuilder(name.length());
		for (String segment : name.split("/")) {
			if (segment.isEmpty() || segment.equals(".")) {
				continue;
			}
			if (segment.equals("..")) {
				throw refused(field, name, "climbs out of the source with '..'");
			}
			if (!path.isEmpty()) {
				path.append('/');
			}
			path.append(segment);
		}
		if (path.isEmpty()) {
			throw refused(field, name, "names no file");
		}
		return path.toString();
	}

	private static ApiException refused(String field, String name, String why) {
		String shown = (name.length() > 80) ? name.substring(0, 80) + "…" : name;
		return ApiException.invalid(field, "The file name '" + shown.replaceAll("\\p{Cntrl}", "?") + "' " + why + ".");
	}

}
