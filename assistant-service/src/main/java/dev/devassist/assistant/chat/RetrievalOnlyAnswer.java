package dev.devassist.assistant.chat;

import java.util.List;

import dev.devassist.assistant.grounding.Passage;
import org.jspecify.annotations.Nullable;

/**
 * The answer given when no model can answer: the passages that best match, each cited,
 * under a label that says plainly that no model wrote it.
 */
final class RetrievalOnlyAnswer {

	private static final int SNIPPET_LINES = 8;

	private RetrievalOnlyAnswer() {
	}

	static String of(String reason, List<Passage> passages, @Nullable String evidenceMissing) {
		StringBuilder text = new StringBuilder("**Retrieval-only answer.** ").append(reason).append("\n\n");
		if (passages.isEmpty()) {
			if (evidenceMissing != null) {
				return text.append("Your sources cannot be searched right now either (")
					.append(evidenceMissing)
					.append("). Try again in a minute.")
					.toString();
			}
			return text
				.append("No passage in your sources matches the question. Try other words, or index the "
						+ "repository that holds the answer.")
				.toString();
		}
		for (int i = 0; i < passages.size(); i++) {
			Passage passage = passages.get(i);
			text.append(i + 1)
				.append(". `")
				.append(passage.path())
				.append("`, lines ")
				.append(passage.startLine())
				.append('–')
				.append(passage.endLine());
			if (passage.symbol() != null) {
				text.append(" (`").append(passage.symbol()).append("`)");
			}
			text.append(" [").append(i + 1).append("]\n\n");
			String fence = passage.text().contains("```") ? "~~~~" : "```";
			text.append(fence).append(passage.language()).append('\n');
			List<String> lines = passage.text().lines().toList();
			lines.stream().limit(SNIPPET_LINES).forEach((line) -> text.append(line).append('\n'));
			if (lines.size() > SNIPPET_LINES) {
				text.append("…\n");
			}
			text.append(fence).append("\n\n");
		}
		return text.toString().stripTrailing();
	}

}
