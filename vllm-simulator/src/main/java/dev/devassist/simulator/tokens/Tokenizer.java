package dev.devassist.simulator.tokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deterministic approximate tokenizer. It cuts text into pieces the way byte-pair
 * encoders tend to: a word with its leading space, long words in chunks of
 * {@value #MAX_WORD_PIECE} characters, each symbol alone, runs of blanks and of newlines
 * as one piece. English prose comes out near 1.3 tokens a word, close to Llama 3's
 * tokenizer. Token ids are hashes of the pieces, so equal text always gives equal ids;
 * concatenating the pieces gives back the text exactly.
 */
public final class Tokenizer {

	/** Ids below this are reserved for special tokens. */
	public static final int FIRST_TEXT_ID = 256;

	/** Size of Llama 3's vocabulary, which the ids are spread over. */
	public static final int VOCABULARY = 128_256;

	private static final int MAX_WORD_PIECE = 6;

	/**
	 * Splits text into its token pieces.
	 * @param text the text
	 * @return the pieces, in order
	 */
	public List<String> pieces(String text) {
		List<String> pieces = new ArrayList<>(text.length() / 4 + 1);
		int start = 0;
		while (start < text.length()) {
			int end = pieceEnd(text, start);
			pieces.add(text.substring(start, end));
			start = end;
		}
		return pieces;
	}

	/**
	 * Encodes text as token ids.
	 * @param text the text
	 * @return the ids
	 */
	public int[] encode(String text) {
		IntList ids = new IntList(text.length() / 4 + 1);
		encodeInto(text, ids);
		return ids.toArray();
	}

	/**
	 * Counts the tokens of a text.
	 * @param text the text
	 * @return the number of tokens
	 */
	public int count(String text) {
		int count = 0;
		int start = 0;
		while (start < text.length()) {
			start = pieceEnd(text, start);
			count++;
		}
		return count;
	}

	void encodeInto(String text, IntList ids) {
		int start = 0;
		while (start < text.length()) {
			int end = pieceEnd(text, start);
			ids.add(idOf(text, start, end));
			start = end;
		}
	}

	/**
	 * The id of a piece.
	 * @param piece the piece
	 * @return its id
	 */
	public static int idOf(String piece) {
		return idOf(piece, 0, piece.length());
	}

	private static int idOf(String text, int start, int end) {
		int hash = 0x811C9DC5;
		for (int i = start; i < end; i++) {
			hash = (hash ^ text.charAt(i)) * 0x01000193;
		}
		return FIRST_TEXT_ID + Math.floorMod(hash, VOCABULARY - FIRST_TEXT_ID);
	}

	private static int pieceEnd(String text, int start) {
		int length = text.length();
		char first = text.charAt(start);
		if (first == ' ' && start + 1 < length && isWord(text.charAt(start + 1))) {
			return wordEnd(text, start + 1);
		}
		if (isWord(first)) {
			return wordEnd(text, start);
		}
		if (first == ' ' || first == '\t') {
			return runEnd(text, start, ' ', '\t');
		}
		if (first == '\n' || first == '\r') {
			return runEnd(text, start, '\n', '\r');
		}
		return start + Character.charCount(text.codePointAt(start));
	}

	private static int wordEnd(String text, int start) {
		int end = start;
		int limit = Math.min(text.length(), start + MAX_WORD_PIECE);
		while (end < limit && isWord(text.charAt(end))) {
			end++;
		}
		return end;
	}

	private static int runEnd(String text, int start, char one, char other) {
		int end = start + 1;
		while (end < text.length() && (text.charAt(end) == one || text.charAt(end) == other)) {
			end++;
		}
		return end;
	}

	private static boolean isWord(char c) {
		return Character.isLetterOrDigit(c) || c == '_';
	}

	/** A growable list of ints, to build token ids without boxing. */
	static final class IntList {

		private int[] values;

		private int size;

		IntList(int capacity) {
			this.values = new int[Math.max(capacity, 8)];
		}

		void add(int value) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
		}

		int size() {
			return this.size;
		}

		int[] toArray() {
			return Arrays.copyOf(this.values, this.size);
		}

	}

}
