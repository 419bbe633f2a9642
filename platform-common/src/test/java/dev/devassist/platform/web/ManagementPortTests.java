package dev.devassist.platform.web;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which calls count as arriving on the management port: only those on a management server
 * of its own, by Spring Boot's rule for when it starts one.
 */
class ManagementPortTests {

	@Test
	void aCallOnTheConfiguredManagementPortMatchesAndOneOnTheServerPortDoesNot() {
		ServerWebExchangeMatcher matcher = ManagementPort
			.matcher(new MockEnvironment().withProperty("server.port", "8080")
				.withProperty("management.server.port", "9090"));

		assertThat(matches(matcher, 9090)).isTrue();
		assertThat(matches(matcher, 8080)).isFalse();
	}

	@Test
	void withoutASeparateManagementServerNothingMatches() {
		assertThat(matches(ManagementPort.matcher(new MockEnvironment()), 8080)).isFalse();
		assertThat(matches(ManagementPort.matcher(new MockEnvironment().withProperty("server.port", "8080")
			.withProperty("management.server.port", "8080")), 8080)).as("the management port is the server's")
			.isFalse();
		assertThat(matches(ManagementPort.matcher(new MockEnvironment().withProperty("management.server.port", "-1")),
				8080))
			.as("actuator off the web")
			.isFalse();
	}

	@Test
	void aRandomManagementPortMatchesOnceTheServerHasBoundIt() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.port", "0")
			.withProperty("management.server.port", "0");
		ServerWebExchangeMatcher matcher = ManagementPort.matcher(environment);

		assertThat(matches(matcher, 41234)).as("before the management server has a port").isFalse();
		environment.setProperty("local.management.port", "41234");
		assertThat(matches(matcher, 41234)).isTrue();
		assertThat(matches(matcher, 41235)).isFalse();
	}

	@Test
	void springBootsRuleForASeparateServerIsFollowed() {
		assertThat(ManagementPort.separate(null, 8080)).isFalse();
		assertThat(ManagementPort.separate(8080, null)).as("the default server port").isFalse();
		assertThat(ManagementPort.separate(0, 0)).isTrue();
		assertThat(ManagementPort.separate(9090, null)).isTrue();
		assertThat(ManagementPort.separate(9090, 9090)).isFalse();
	}

	private static boolean matches(ServerWebExchangeMatcher matcher, int localPort) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/prometheus")
			.localAddress(new InetSocketAddress("127.0.0.1", localPort)));
		return Boolean.TRUE
			.equals(matcher.matches(exchange).map(ServerWebExchangeMatcher.MatchResult::isMatch).block());
	}

}
