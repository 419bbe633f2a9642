package dev.devassist.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a service token set, the API needs it and health does not.
 */
class ServiceTokenIT {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aServiceTokenWhenSetIsRequiredOnTheApiButNotOnHealth() throws Exception {
		try (SimulatorProcess backend = SimulatorProcess.start();
				ConfigurableApplicationContext guarded = ProxyIT.startProxy("proxy.service-token=s3cret",
						"proxy.pools.chat.model=" + SimulatorProcess.MODEL,
						"proxy.pools.chat.backends=" + backend.url())) {
			String base = ProxyIT.baseUrl(guarded);

			HttpResponse<String> without = send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build());
			HttpResponse<String> wrong = send(HttpRequest.newBuilder(URI.create(base + "/v1/models"))
				.header("Authorization", "Bearer guess")
				.build());
			HttpResponse<String> with = send(HttpRequest.newBuilder(URI.create(base + "/v1/models"))
				.header("Authorization", "Bearer s3cret")
				.build());
			HttpResponse<String> health = send(
					HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build());

			assertThat(without.statusCode()).isEqualTo(401);
			assertThat(without.body()).contains("\"type\":\"AuthenticationError\"");
			assertThat(wrong.statusCode()).isEqualTo(401);
			assertThat(with.statusCode()).isEqualTo(200);
			assertThat(health.statusCode()).isEqualTo(200);
		}
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
