package dev.devassist.local;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LocalPlatformTests {

	@Test
	void whenNoChatServerIsNamedThenTheAssistantAnswersRetrievalOnly() {
		assertThat(LocalPlatform.chatModel(Map.of()))
			.containsExactly(Map.entry("DEVASSIST_ASSISTANT_INFERENCE_URL", ""));
	}

	@Test
	void whenAChatServerIsNamedThenTheProxysChatPoolAndTheAssistantUseItsModel() {
		Map<String, String> settings = LocalPlatform
			.chatModel(Map.of("DEVASSIST_CHAT_URL", "http://127.0.0.1:11434", "DEVASSIST_CHAT_MODEL", "llama3.1:8b"));

		assertThat(settings).containsEntry("PROXY_POOLS_CHAT_BACKENDS_0_", "http://127.0.0.1:11434")
			.containsEntry("PROXY_POOLS_CHAT_MODEL", "llama3.1:8b")
			.containsEntry("DEVASSIST_ASSISTANT_INFERENCE_MODEL", "llama3.1:8b")
			.doesNotContainKey("DEVASSIST_ASSISTANT_INFERENCE_URL");
	}

	@Test
	void whenTheSimulatorIsNamedThenTheDefaultsStand() {
		assertThat(LocalPlatform.chatModel(Map.of("DEVASSIST_CHAT_URL", "simulator"))).isEmpty();
	}

	@Test
	void whenAChatServerIsNamedWithoutItsModelThenStartingIsRefused() {
		assertThatExceptionOfType(PlatformException.class)
			.isThrownBy(() -> LocalPlatform.chatModel(Map.of("DEVASSIST_CHAT_URL", "http://127.0.0.1:11434")))
			.withMessageContaining("DEVASSIST_CHAT_MODEL");
	}

}
