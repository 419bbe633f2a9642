package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AnswerTap}.
 */
class AnswerTapTests {

	private static final String ROLE = "data: {\"choices\":[{\"index\":0,"
			+ "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";

	private static final String TOKEN = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n";

	private static final String USAGE = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
			+ "\"total_tokens\":19,\"completion_tokens\":7,\"prompt_tokens_details\":null}}\n\n";

	private static final String DONE = "data: [DONE]\n\n";

	@Test
	void aUsageEventTheProxyAskedForIsTakenOutAndCounted() {
		AnswerTap tap = new AnswerTap(true, true);

		String sent = feed(tap, ROLE, TOKEN, USAGE, DONE);

		assertThat(sent).isEqualTo(ROLE + TOKEN + DONE);
		assertThat(tap.promptTokens()).isEqualTo(12);
		assertThat(tap.completionTokens()).isEqualTo(7);
	}

	@Test
	void aUsageEventSplitAcrossBuffersIsStillTakenOut() {
		AnswerTap tap = new AnswerTap(true, true);
		String all = TOKEN + USAGE + DONE;

		String sent = feed(tap, all.substring(0, 40), all.substring(40, TOKEN.length() + 30),
				all.substring(TOKEN.length() + 30, all.length() - 5), all.substring(all.length() - 5));

		assertThat(sent).isEqualTo(TOKEN + DONE);
		assertThat(tap.completionTokens()).isEqualTo(7);
	}

	@Test
	void aUsageEventTheClientAskedForPassesThroughAndIsCounted() {
		AnswerTap tap = new AnswerTap(true, false);

		String sent = feed(tap, TOKEN, USAGE, DONE);

		assertThat(sent).isEqualTo(TOKEN + USAGE + DONE);
		assertThat(tap.promptTokens()).isEqualTo(12);
	}

	@Test
	void aUsageEventTheClientAskedForIsCountedWhenSplitAcrossBuffers() {
		AnswerTap tap = new AnswerTap(true, false);
		String all = TOKEN + USAGE + DONE;
		int split = TOKEN.length() + USAGE.indexOf("completion_tokens") + 4;

		String sent = feed(tap, all.substring(0, split), all.substring(split));

		assertThat(sent).isEqualTo(all);
		assertThat(tap.promptTokens()).isEqualTo(12);
		assertThat(tap.completionTokens()).isEqualTo(7);
	}

	@Test
	void theLastUsageOfAStreamCounts() {
		AnswerTap tap = new AnswerTap(true, false);
		String early = USAGE.replace("\"completion_tokens\":7", "\"completion_tokens\":3");

		feed(tap, TOKEN, early, TOKEN, USAGE, DONE);

		assertThat(tap.completionTokens()).isEqualTo(7);
	}

	@Test
	void theFirstTokenIsTheFirstChunkWithContentNotTheRoleChunk() {
		AnswerTap tap = new AnswerTap(true, false);

		tap.next(buffer(ROLE), 100).release();
		tap.next(buffer(TOKEN), 250).release();
		tap.next(buffer(TOKEN), 400).release();

		assertThat(tap.firstTokenNanos()).isEqualTo(250);
		assertThat(tap.lastChunkNanos()).isEqualTo(400);
	}

	@Test
	void aToolCallDeltaCountsAsTheFirstToken() {
		AnswerTap tap = new AnswerTap(true, false);

		tap.next(buffer("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0}]}}]}\n\n"), 70).release();

		assertThat(tap.firstTokenNanos()).isEqualTo(70);
	}

	@Test
	void aWholeAnswersUsageIsReadFromItsTail() {
		AnswerTap tap = new AnswerTap(false, true);
		String body = "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"" + "y".repeat(5000)
				+ "\"}}],\"usage\":{\"prompt_tokens\":31,\"total_tokens\":40,\"completion_tokens\":9},"
				+ "\"prompt_logprobs\":null}";

		String sent = feed(tap, body.substring(0, 3000), body.substring(3000, body.length() - 20),
				body.substring(body.length() - 20));

		assertThat(sent).isEqualTo(body);
		assertThat(tap.promptTokens()).isEqualTo(31);
		assertThat(tap.completionTokens()).isEqualTo(9);
		assertThat(tap.firstTokenNanos()).isZero();
	}

	@Test
	void anEmbeddingsUsageHasPromptTokensAndNoCompletion() {
		AnswerTap tap = new AnswerTap(false, false);

		feed(tap, "{\"data\":[{\"embedding\":[0.1]}],\"usage\":{\"prompt_tokens\":5,\"total_tokens\":5}}");

		assertThat(tap.promptTokens()).isEqualTo(5);
		assertThat(tap.completionTokens()).isZero();
	}

	@Test
	void anAnswerWithoutUsageCountsNothing() {
		AnswerTap tap = new AnswerTap(true, true);

		feed(tap, TOKEN, DONE);

		assertThat(tap.promptTokens()).isEqualTo(-1);
	}

	@Test
	void anUnfinishedEventLargerThanTheBoundIsPassedOnRatherThanHeld() {
		AnswerTap tap = new AnswerTap(true, true);
		String huge = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "z".repeat(AnswerTap.MAX_HELD);

		ByteBuf sent = tap.next(buffer(huge), 1);

		assertThat(sent.readableBytes()).isEqualTo(huge.length());
		sent.release();
		assertThat(tap.end().readableBytes()).isZero();
	}

	@Test
	void everyBufferIsReleasedOnceSent() {
		AnswerTap tap = new AnswerTap(true, true);
		List<ByteBuf> inputs = List.of(buffer(TOKEN + USAGE.substring(0, 20)), buffer(USAGE.substring(20) + DONE));

		List<ByteBuf> outputs = new ArrayList<>();
		for (ByteBuf input : inputs) {
			outputs.add(tap.next(input, 1));
		}
		outputs.add(tap.end());
		outputs.forEach(ByteBuf::release);

		assertThat(inputs).allSatisfy((input) -> assertThat(input.refCnt()).isZero());
	}

	private static String feed(AnswerTap tap, String... chunks) {
		StringBuilder sent = new StringBuilder();
		long now = 1;
		for (String chunk : chunks) {
			drain(tap.next(buffer(chunk), now++), sent);
		}
		drain(tap.end(), sent);
		return sent.toString();
	}

	private static void drain(ByteBuf buffer, StringBuilder into) {
		into.append(buffer.toString(StandardCharsets.UTF_8));
		buffer.release();
	}

	private static ByteBuf buffer(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

}
