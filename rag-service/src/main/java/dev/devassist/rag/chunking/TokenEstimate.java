package dev.devassist.rag.chunking;

/**
 * Estimates how many word pieces the embedding model's tokenizer makes of a text.
 * <p>
 * The model, all-MiniLM-L6-v2, reads at most 256 pieces from a BERT WordPiece tokenizer.
 * Running that tokenizer for every candidate split would cost a vocabulary lookup per
 * piece and an allocation per word, so the chunkers count instead, in one pass without
 * allocating, the way that tokenizer splits: whitespace separates words, every
 * punctuation or symbol character is a piece of its own, as is every CJK ideograph,
 * identifiers break at camel-case humps and at letter-digit changes, and a long word part
 * costs about one piece per four characters. The result is an estimate: it tends to be
 * near the true count for code and a little above it for English prose.
 */
final class TokenEstimate {

	private static final int SPACE = 0;

	private static final int LOWER = 1;

	private static final int UPPER = 2;

	private static final int DIGIT = 3;

	private static final int SINGLE = 4;

	private static final int MARK = 5;

	// Common words up to this length are usually a single entry of the vocabulary.
	private static final int WHOLE_WORD = 8;

	private TokenEstimate() {
	}

	/**
	 * Estimates the word pieces of the whole text.
	 * @param text the text
	 * @return the estimated count
	 */
	static int of(CharSequence text) {
		return of(text, 0, text.length());
	}

	/**
	 * Estimates the word pieces of part of a text.
	 * @param text the text
	 * @param from the first character's index
	 * @param to the index after the last character
	 * @return the estimated count
	 */
	static int of(CharSequence text, int from, int to) {
		return (int) (scan(text, from, to, Integer.MAX_VALUE) >>> 32);
	}

	/**
	 * Finds how far a text can run from an index before its estimate exceeds a budget.
	 * @param text the text
	 * @param from the first character's index
	 * @param to the index after the last character that may be taken
	 * @param budget the most pieces allowed, at least 1
	 * @return the index after the last character that fits; more than {@code from}
	 * whenever {@code from < to}, since a single character is never more than one piece
	 */
	static int fit(CharSequence text, int from, int to, int budget) {
		return (int) scan(text, from, to, budget);
	}

	// Returns the count in the high half and the index where the scan stopped in the low
	// half, so that counting and fitting share one pass without a result object.
	private static long scan(CharSequence text, int from, int to, int budget) {
		int tokens = 0;
		int part = 0;
		int capitals = 0;
		int previous = SPACE;
		int index = from;
		while (index < to) {
			char current = text.charAt(index);
			int width = 1;
			int type;
			if (Character.isHighSurrogate(current) && index + 1 < to
					&& Character.isLowSurrogate(text.charAt(index + 1))) {
				width = 2;
				type = typeOf(Character.toCodePoint(current, text.charAt(index + 1)));
			}
			else {
				type = typeOf(current);
			}
			if (type == MARK) {
				index += width;
				continue;
			}
			if (type == LOWER || type == UPPER || type == DIGIT) {
				if (part > 0 && startsPart(previous, type, capitals)) {
					boolean capitalMoves = previous == UPPER && type == LOWER;
					tokens += pieces(capitalMoves ? part - 1 : part);
					part = capitalMoves ? 1 : 0;
				}
				part++;
				capitals = (type == UPPER) ? capitals + 1 : 0;
			}
			else {
				tokens += pieces(part);
				part = 0;
				capitals = 0;
				if (type == SINGLE) {
					tokens++;
				}
			}
			previous = type;
			if (tokens + pieces(part) > budget) {
				return index;
			}
			index += width;
		}
		tokens += pieces(part);
		return ((long) tokens << 32) | to;
	}

	private static boolean startsPart(int previous, int type, int capitals) {
		if ((previous == DIGIT) != (type == DIGIT)) {
			return true;
		}
		if (previous == LOWER && type == UPPER) {
			return true;
		}
		// "HTTPServer": the capital before a lower-case letter opens the next part.
		return previous == UPPER && type == LOWER && capitals > 1;
	}

	private static int pieces(int length) {
		if (length == 0) {
			return 0;
		}
		if (length <= WHOLE_WORD) {
			return 1;
		}
		return 1 + (length - WHOLE_WORD + 3) / 4;
	}

	private static int typeOf(int codePoint) {
		if (codePoint < 128) {
			if (codePoint >= 'a' && codePoint <= 'z') {
				return LOWER;
			}
			if (codePoint >= 'A' && codePoint <= 'Z') {
				return UPPER;
			}
			if (codePoint >= '0' && codePoint <= '9') {
				return DIGIT;
			}
			return (codePoint <= ' ' || codePoint == 127) ? SPACE : SINGLE;
		}
		if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
			return SPACE;
		}
		if (Character.isIdeographic(codePoint)) {
			return SINGLE;
		}
		if (Character.isLetter(codePoint)) {
			return Character.isUpperCase(codePoint) ? UPPER : LOWER;
		}
		if (Character.isDigit(codePoint)) {
			return DIGIT;
		}
		int category = Character.getType(codePoint);
		// The tokenizer strips accents, so combining marks cost nothing.
		if (category == Character.NON_SPACING_MARK || category == Character.ENCLOSING_MARK
				|| category == Character.COMBINING_SPACING_MARK || category == Character.FORMAT) {
			return MARK;
		}
		return SINGLE;
	}

}
