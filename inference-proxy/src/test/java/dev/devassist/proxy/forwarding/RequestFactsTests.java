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

		assertThat(facts).isEqualTo(new RequestFacts("m", true, "ana"));
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
