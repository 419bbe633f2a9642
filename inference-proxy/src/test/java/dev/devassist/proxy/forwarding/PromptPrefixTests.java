package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PromptPrefix}.
 */
class PromptPrefixTests {

	private static final String SYSTEM = "You are a careful assistant for a software team. ".repeat(20);

	@Test
	void aConversationsNextTurnExtendsTheHashesOfItsPreviousTurn() {
		long[] first = hashes(chat(message("system", SYSTEM), message("user", "How do I build it?")));
		long[] second = hashes(chat(message("system", SYSTEM), message("user", "How do I build it?"),
				message("assistant", "Run the wrapper. ".repeat(20)), message("user", "And the tests?")));

		assertThat(first).isNotEmpty();
		assertThat(second.length).isGreaterThan(first.length);
		assertThat(Arrays.copyOf(second, first.length)).containsExactly(first);
	}

	@Test
	void promptsThatShareOnlyTheSystemPromptShareOnlyItsBlocks() {
		long[] one = hashes(chat(message("system", SYSTEM), message("user", "one ".repeat(100))));
		long[] two = hashes(chat(message("system", SYSTEM), message("user", "two ".repeat(100))));

		int shared = 0;
		while (shared < Math.min(one.length, two.length) && one[shared] == two[shared]) {
			shared++;
		}
		assertThat(shared).isEqualTo((SYSTEM.length() + "system\n".length()) / PromptPrefix.BLOCK_CHARS);
	}

	@Test
	void contentGivenAsPartsHashesLikeTheSameTextGivenAsAString() {
		String text = "x".repeat(800);
		long[] plain = hashes(chat(message("user", text)));
		long[] parts = hashes(
				"{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"" + text
						+ "\"}]}]}");

		assertThat(parts).containsExactly(plain);
	}

	@Test
	void aCompletionPromptIsHashedAndAShortOneGivesNoHashes() {
		assertThat(hashes("{\"model\":\"m\",\"prompt\":\"" + "y".repeat(600) + "\"}")).hasSize(2);
		assertThat(hashes("{\"model\":\"m\",\"prompt\":[\"" + "y".repeat(600) + "\",\"z\"]}")).hasSize(2);
		assertThat(hashes("{\"model\":\"m\",\"prompt\":\"short\"}")).isEmpty();
		assertThat(hashes("{\"model\":\"m\",\"prompt\":[1,2,3]}")).isEmpty();
	}

	@Test
	void aHugePromptStopsAtTheBlockLimit() {
		assertThat(hashes(chat(message("user", "z".repeat(200_000))))).hasSize(PromptPrefix.MAX_BLOCKS);
	}

	private static long[] hashes(String body) {
		return PromptPrefix.hashes(body.getBytes(StandardCharsets.UTF_8));
	}

	private static String chat(String... messages) {
		return "{\"model\":\"m\",\"temperature\":0.2,\"messages\":[" + String.join(",", messages) + "]}";
	}

	private static String message(String role, String content) {
		return "{\"role\":\"" + role + "\",\"content\":\"" + content + "\"}";
	}

}
