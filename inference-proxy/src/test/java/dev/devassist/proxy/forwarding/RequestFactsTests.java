package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RequestFacts}.
 */
class RequestFactsTests {

	@Test
	void readsModelStreamAndUserAndSkipsEverythingElse() {
		RequestFacts facts = read("{\"messages\":[{\"role\":\"user\",\"content\":\"{\\\"model\\\":\\\"no\\\"}\"}],"
				+ "\"model\":\"m\",\"stream\":true,\"user\":\"ana\",\"extra\":{\"model\":\"nested\"}}");

		assertThat(facts).isEqualTo(new RequestFacts("m", true, "ana", false, false));
	}

	@Test
	void readsWhetherAStreamAsksForUsage() {
		RequestFacts asked = read(
				"{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"a\":[1],\"include_usage\":true}}");
		RequestFacts notAsked = read("{\"stream_options\":{\"continuous_usage_stats\":true},\"model\":\"m\"}");
		RequestFacts wrongType = read("{\"stream_options\":[{\"include_usage\":true}],\"model\":\"m\"}");

		assertThat(asked.usageAsked()).isTrue();
		assertThat(notAsked.streamOptions()).isTrue();
		assertThat(notAsked.usageAsked()).isFalse();
		assertThat(wrongType.streamOptions()).isFalse();
		assertThat(wrongType.model()).isEqualTo("m");
	}

	@Test
	void aMissingModelIsNamed() {
		assertThatExceptionOfType(ProxyException.class).isThrownBy(() -> read("{\"prompt\":\"x\"}"))
			.withMessage("Field 'model' is required.")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(400));
	}

	@Test
	void aTruncatedBodyIsNotValidJson() {
		assertThatExceptionOfType(ProxyException.class).isThrownBy(() -> read("{\"model\":\"m\",\"prompt\":[1,2"))
			.withMessageStartingWith("The request body is not valid JSON");
	}

	private static RequestFacts read(String json) {
		return RequestFacts.read(json.getBytes(StandardCharsets.UTF_8));
	}

}
