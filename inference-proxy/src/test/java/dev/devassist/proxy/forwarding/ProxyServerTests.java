package dev.devassist.proxy.forwarding;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyServerTests {

	@Test
	void theRawPathDropsTheQueryAndTheFragment() {
		assertThat(ProxyServer.rawPath("/v1/chat/completions")).isEqualTo("/v1/chat/completions");
		assertThat(ProxyServer.rawPath("/v1/chat/completions?api-version=1")).isEqualTo("/v1/chat/completions");
		assertThat(ProxyServer.rawPath("/v1/models#top")).isEqualTo("/v1/models");
		assertThat(ProxyServer.rawPath("")).isEmpty();
	}

	@Test
	void aPathWithExtraSegmentsIsNotAnApiPath() {
		assertThat(ProxyServer.rawPath("/v1/chat/completions/../models")).isNotEqualTo("/v1/models");
		assertThat(ProxyServer.rawPath("/V1/CHAT/COMPLETIONS")).isNotEqualTo("/v1/chat/completions");
	}

}
