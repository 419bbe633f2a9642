package dev.devassist.assistant.chat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TitlesTests {

	@Test
	void whenTheFirstMessageIsShortThenItIsTheTitle() {
		assertThat(Titles.fromMessage("  Where is retry configured?\nMore detail here"))
			.isEqualTo("Where is retry configured?");
	}

	@Test
	void whenTheFirstMessageIsLongThenTheTitleIsCutAtAWord() {
		String title = Titles.fromMessage("How does the inference proxy decide which replica receives a request "
				+ "when several are equally busy?");

		assertThat(title).hasSizeLessThanOrEqualTo(61).endsWith("…").doesNotContain("  ");
		assertThat(title.charAt(title.length() - 2)).isNotEqualTo(' ');
	}

	@Test
	void whenAModelWritesATitleThenQuotesLabelsAndFullStopsGo() {
		assertThat(Titles.cleaned("Title: \"Proxy replica choice.\"\nextra")).isEqualTo("Proxy replica choice");
		assertThat(Titles.cleaned("   ")).isEmpty();
	}

}
