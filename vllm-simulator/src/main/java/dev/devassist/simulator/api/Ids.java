package dev.devassist.simulator.api;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Response ids and timestamps.
 */
final class Ids {

	private Ids() {
	}

	static String next(String prefix) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		HexFormat hex = HexFormat.of();
		return prefix + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
	}

	static long epochSeconds() {
		return System.currentTimeMillis() / 1000;
	}

}
