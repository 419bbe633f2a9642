package dev.devassist.simulator.tokens;

import java.util.List;

import dev.devassist.simulator.tokens.Tokenizer.IntList;

/**
 * Renders a conversation into prompt tokens the way Llama 3's chat template does: each
 * message framed by header and end-of-turn special tokens, tool definitions in a leading
 * system turn, and an open assistant header at the end for the model to continue.
 */
public final class ChatTemplate {

	private static final int BEGIN_OF_TEXT = 1;

	private static final int START_HEADER = 2;

	private static final int END_HEADER = 3;

	private static final int END_OF_TURN = 4;

	private static final int DOUBLE_NEWLINE = Tokenizer.idOf("\n\n");

	private final Tokenizer tokenizer;

	public ChatTemplate(Tokenizer tokenizer) {
		this.tokenizer = tokenizer;
	}

	/**
	 * Renders the prompt.
	 * @param messages the conversation
	 * @param toolsJson the tool definitions as JSON, or an empty string
	 * @return the prompt's token ids
	 */
	public int[] render(List<ChatMessage> messages, String toolsJson) {
		IntList ids = new IntList(256);
		ids.add(BEGIN_OF_TEXT);
		if (!toolsJson.isEmpty()) {
			turn(ids, "system", toolsJson);
		}
		for (ChatMessage message : messages) {
			turn(ids, message.role(), message.content());
		}
		header(ids, "assistant");
		return ids.toArray();
	}

	/**
	 * Encodes a plain completion prompt, which gets only the begin-of-text token.
	 * @param prompt the prompt
	 * @return the prompt's token ids
	 */
	public int[] plain(String prompt) {
		IntList ids = new IntList(prompt.length() / 4 + 2);
		ids.add(BEGIN_OF_TEXT);
		this.tokenizer.encodeInto(prompt, ids);
		return ids.toArray();
	}

	private void turn(IntList ids, String role, String content) {
		header(ids, role);
		this.tokenizer.encodeInto(content, ids);
		ids.add(END_OF_TURN);
	}

	private void header(IntList ids, String role) {
		ids.add(START_HEADER);
		this.tokenizer.encodeInto(role, ids);
		ids.add(END_HEADER);
		ids.add(DOUBLE_NEWLINE);
	}

}
