package dev.devassist.assistant.conversation;

import java.util.List;

/**
 * Writes a conversation as Markdown: each message under its author, each answer followed
 * by the files and lines it cites.
 */
final class MarkdownExport {

	private MarkdownExport() {
	}

	static String of(Conversation conversation, List<Message> messages) {
		StringBuilder markdown = new StringBuilder();
		markdown.append("# ").append(oneLine(conversation.title())).append("\n\n");
		markdown.append("_Started ").append(conversation.createdAt()).append("_\n");
		for (Message message : messages) {
			markdown.append("\n## ").append(message.role().equals("user") ? "You" : "DevAssist");
			if (!message.status().equals("complete")) {
				markdown.append(" (").append(message.status()).append(')');
			}
			markdown.append("\n\n").append(message.content().strip()).append('\n');
			if (!message.citations().isEmpty()) {
				markdown.append("\n**Sources**\n\n");
				for (Citation citation : message.citations()) {
					markdown.append("- [")
						.append(citation.index())
						.append("] `")
						.append(citation.path())
						.append("` lines ")
						.append(citation.startLine())
						.append('–')
						.append(citation.endLine())
						.append('\n');
				}
			}
		}
		return markdown.toString();
	}

	private static String oneLine(String text) {
		return text.replaceAll("\\s+", " ");
	}

}
