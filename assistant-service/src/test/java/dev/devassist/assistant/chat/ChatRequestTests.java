package dev.devassist.assistant.chat;

import java.util.List;

import dev.devassist.platform.web.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class ChatRequestTests {

	@Test
	void whenEveryFieldIsSoundThenTheRequestIsAccepted() {
		ChatRequest request = new ChatRequest("conv_1a", "hello", List.of("src_1"), "src/**", List.of("java"), "agent",
				"m", 0.5);

		assertThatNoException().isThrownBy(() -> request.check(100));
	}

	@Test
	void whenAFieldIsWrongThenTheRefusalNamesIt() {
		assertRefused(new ChatRequest(null, null, null, null, null, null, null, null), "message");
		assertRefused(new ChatRequest(null, "x".repeat(101), null, null, null, null, null, null), "message");
		assertRefused(new ChatRequest("a/b", "hi", null, null, null, null, null, null), "conversationId");
		assertRefused(new ChatRequest(null, "hi", List.of(), null, null, null, null, null), "sources");
		assertRefused(new ChatRequest(null, "hi", null, " ", null, null, null, null), "path");
		assertRefused(new ChatRequest(null, "hi", null, null, null, "chaos", null, null), "mode");
		assertRefused(new ChatRequest(null, "hi", null, null, null, null, null, Double.NaN), "temperature");
		assertRefused(new ChatRequest(null, "hi", null, null, null, null, null, 2.5), "temperature");
	}

	private static void assertRefused(ChatRequest request, String field) {
		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> request.check(100))
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.field()).isEqualTo(field));
	}

}
