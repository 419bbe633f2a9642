package dev.devassist.rag.chunking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimateTests {

	@Test
	void whenTextIsEmptyOrWhitespaceThenItHasNoTokens() {
		int tokens = TokenEstimate.of(" \t\n\r\n ");

		assertThat(tokens).isZero();
	}

	@Test
	void whenWordsAreShortThenEachCountsAboutOnce() {
		int tokens = TokenEstimate.of("the quick brown fox jumps over the lazy dog");

		assertThat(tokens).isBetween(9, 12);
	}

	@Test
	void whenPunctuationAppearsThenEachCharacterCountsOnce() {
		int tokens = TokenEstimate.of("(){};");

		assertThat(tokens).isEqualTo(5);
	}

	@Test
	void whenIdentifierIsCamelCaseThenEachHumpCounts() {
		int camelCase = TokenEstimate.of("parseHttpRequestHeader");

		assertThat(camelCase).isGreaterThan(TokenEstimate.of("parse")).isBetween(5, 7);
	}

	@Test
	void whenCapitalsRunIntoAWordThenTheyCountAsOneHump() {
		int acronym = TokenEstimate.of("HTTPServerConfig");

		assertThat(acronym).isEqualTo(TokenEstimate.of("HttpServerConfig"));
	}

	@Test
	void whenIdentifierHasUnderscoresThenEachUnderscoreCounts() {
		int tokens = TokenEstimate.of("max_retry_count");

		assertThat(tokens).isEqualTo(TokenEstimate.of("max retry count") + 2);
	}

	@Test
	void whenWordIsLongThenItCountsAboutOncePerFourCharacters() {
		int tokens = TokenEstimate.of("a".repeat(40));

		assertThat(tokens).isBetween(9, 11);
	}

	@Test
	void whenTextIsChineseThenEachCharacterCountsOnce() {
		int tokens = TokenEstimate.of("语义检索");

		assertThat(tokens).isEqualTo(4);
	}

	@Test
	void whenWordHasAccentsThenTheyCostNothing() {
		int accented = TokenEstimate.of("cafe\u0301");

		assertThat(accented).isEqualTo(TokenEstimate.of("cafe"));
	}

	@Test
	void whenTextHasAnEmojiThenItsSurrogatePairCountsOnce() {
		int tokens = TokenEstimate.of("\uD83D\uDE00");

		assertThat(tokens).isEqualTo(1);
	}

	@Test
	void whenLinesAreCountedApartThenTheirQuartersAddUpToTheWhole() {
		String text = "int count = 0;\nreturn count;";

		int apart = TokenEstimate.quarters(text, 0, 14) + TokenEstimate.quarters(text, 15, text.length());

		assertThat(TokenEstimate.tokens(apart)).isEqualTo(TokenEstimate.of(text));
	}

	@Test
	void whenFittingThenThePrefixStaysWithinTheBudgetAndTheNextCharacterWouldNot() {
		String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa";

		int end = TokenEstimate.fit(text, 0, text.length(), 5);

		assertThat(TokenEstimate.of(text.substring(0, end))).isLessThanOrEqualTo(5);
		assertThat(TokenEstimate.of(text.substring(0, end + 1))).isGreaterThan(5);
	}

	@Test
	void whenFittingBeforeAnEmojiThenThePairIsNotSplit() {
		String text = "ab\uD83D\uDE00";

		int end = TokenEstimate.fit(text, 0, text.length(), 1);

		assertThat(end).isEqualTo(2);
	}

}
