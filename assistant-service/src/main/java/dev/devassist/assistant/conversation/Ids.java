package dev.devassist.assistant.conversation;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes the ids of conversations, messages and turns: a kind prefix and 80 random bits,
 * so ids can be neither guessed nor confused.
 */
public final class Ids {

	private static final SecureRandom RANDOM = new SecureRandom();

	private Ids() {
	}

	/**
	 * A new id.
	 * @param prefix its kind, e.g. {@code conv}
	 * @return the id
	 */
	public static String next(String prefix) {
		byte[] bytes = new byte[10];
		RANDOM.nextBytes(bytes);
		return prefix + '_' + HexFormat.of().formatHex(bytes);
	}

}
