package dev.devassist.simulator.tokens;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Tokenizer} and {@link ChatTemplate}.
 */
class TokenizerTests {

	private final Tokenizer tokenizer = new Tokenizer();

	@Test
	void piecesJoinBackIntoTheText() {
		String text = "Where is  the retry_policy defined?\n\nIn proxy.yaml, line 42 — see über-config.";

		List<String> pieces = this.tokenizer.pieces(text);

		assertThat(String.join("", pieces)).isEqualTo(text);
	}

	@Test
	void wordsKeepTheirLeadingSpaceAndLongWordsAreSplit() {
		assertThat(this.tokenizer.pieces("a tokenizer splits")).containsExactly("a", " tokeni", "zer", " splits");
	}

	@Test
	void equalTextGivesEqualIdsAndCountsMatchTheIds() {
		String text = "The same text, tokenized twice.";

		int[] first = this.tokenizer.encode(text);
		int[] second = this.tokenizer.encode(text);

		assertThat(first).isEqualTo(second);
		assertThat(this.tokenizer.count(text)).isEqualTo(first.length);
		assertThat(Arrays.stream(first).min().getAsInt()).isGreaterThanOrEqualTo(Tokenizer.FIRST_TEXT_ID);
		assertThat(Arrays.stream(first).max().getAsInt()).isLessThan(Tokenizer.VOCABULARY);
	}

	@Test
	void englishProseComesOutNearOnePointThreeTokensAWord() {
		String text = "DevAssist answers questions that are grounded in the team's own repositories and documents, "
				+ "and it cites the file and lines behind each answer so that developers can check it.";
		int words = text.split("\\s+").length;

		double ratio = (double) this.tokenizer.count(text) / words;

		assertThat(ratio).isBetween(1.0, 1.6);
	}

	@Test
	void chatPromptsThatShareTurnsShareTheirLeadingTokens() {
		ChatTemplate template = new ChatTemplate(this.tokenizer);
		List<ChatMessage> first = List.of(new ChatMessage("system", "You are helpful."), new ChatMessage("user", "Hi"));
		List<ChatMessage> second = List.of(new ChatMessage("system", "You are helpful."),
				new ChatMessage("user", "Bye"));

		int[] a = template.render(first, "");
		int[] b = template.render(second, "");

		int shared = 0;
		while (a[shared] == b[shared]) {
			shared++;
		}
		assertThat(shared).isGreaterThan(5);
	}

}
