package dev.devassist.assistant.chat;

/**
 * A conversation's first title, taken from its first message: the first line, cut at a
 * word near 60 characters.
 */
final class Titles {

	private static final int LONGEST = 60;

	private Titles() {
	}

	static String fromMessage(String message) {
		String line = message.strip().lines().findFirst().orElse("").replaceAll("\\s+", " ").strip();
		if (line.isEmpty()) {
			return "New conversation";
		}
		if (line.length() <= LONGEST) {
			return line;
		}
		int cut = line.lastIndexOf(' ', LONGEST);
		return ((cut > LONGEST / 2) ? line.substring(0, cut) : line.substring(0, LONGEST)) + "…";
	}

	/**
	 * Cleans a title a model wrote: one line, no quotes or trailing full stop.
	 * @param generated the model's text
	 * @return the title, or empty when nothing usable is left
	 */
	static String cleaned(String generated) {
		String line = generated.strip().lines().findFirst().orElse("").strip();
		line = line.replaceAll("^(?i)title:\\s*", "").replaceAll("^[\"'“”`*#]+|[\"'“”`*]+$", "").strip();
		if (line.endsWith(".")) {
			line = line.substring(0, line.length() - 1);
		}
		if (line.length() > 80) {
			line = line.substring(0, 80).strip();
		}
		return line.chars().anyMatch(Character::isISOControl) ? "" : line;
	}

}
