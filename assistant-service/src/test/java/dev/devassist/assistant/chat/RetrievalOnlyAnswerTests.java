package dev.devassist.assistant.chat;

import java.util.List;

import dev.devassist.assistant.grounding.Passage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetrievalOnlyAnswerTests {

	@Test
	void whenPassagesExistThenEachIsListedWithItsMarkerPathAndLines() {
		List<Passage> passages = List.of(
				new Passage("s", "src/A.java", 3, 9, "A", "java", 1, "class A {}\n// ```\n", "/l"),
				new Passage("s", "README.md", 1, 2, null, "markdown", 1, "# Title", "/l"));

		String text = RetrievalOnlyAnswer.of("No model.", passages, null);

		assertThat(text).startsWith("**Retrieval-only answer.** No model.")
			.contains("1. `src/A.java`, lines 3–9 (`A`) [1]")
			.contains("2. `README.md`, lines 1–2 [2]")
			.contains("~~~~java");
	}

	@Test
	void whenNothingMatchesThenTheAnswerSaysSo() {
		assertThat(RetrievalOnlyAnswer.of("No model.", List.of(), null)).contains("No passage in your sources");
		assertThat(RetrievalOnlyAnswer.of("No model.", List.of(), "rag-service is down"))
			.contains("cannot be searched right now either");
	}

}
