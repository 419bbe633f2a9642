package dev.devassist.platform.web;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.env.Environment;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

/**
 * Calls that arrive on the management port ({@code management.server.port}, set where the
 * platform is deployed): health and Prometheus metrics, for the kubelet and Prometheus
 * inside the cluster. That port is never published outside it (the chart's Services give
 * it no Ingress, its NetworkPolicies open it to the monitoring namespace only), so what
 * it serves needs no token. Without a separate management port nothing matches, and
 * metrics stay behind the token like every other route.
 * <p>
 * The matcher runs on every call, so it reads the settings once: the configured port when
 * one is given, or (for port 0) the port the management server got, once it has one.
 */
public final class ManagementPort implements ServerWebExchangeMatcher {

	private final Environment environment;

	private final boolean separate;

	private volatile int port;

	private ManagementPort(Environment environment) {
		this.environment = environment;
		Integer management = environment.getProperty("management.server.port", Integer.class);
		Integer server = environment.getProperty("server.port", Integer.class);
		this.separate = separate(management, server);
		this.port = (this.separate && management != null) ? management : 0;
	}

	/**
	 * A matcher for exchanges that came in on the management port.
	 * @param environment where Spring Boot keeps the configured ports and the ones it
	 * listens on
	 * @return the matcher
	 */
	public static ServerWebExchangeMatcher matcher(Environment environment) {
		return new ManagementPort(environment);
	}

	/**
	 * Whether actuator has a server of its own, by the rule Spring Boot applies: no
	 * management port, or the server's own (other than 0), means the same server.
	 * @param management the configured management port
	 * @param server the configured server port
	 * @return true for a separate management server
	 */
	static boolean separate(@Nullable Integer management, @Nullable Integer server) {
		if (management == null || management < 0) {
			return false;
		}
		if (server == null && management == 8080) {
			return false;
		}
		return management == 0 || !management.equals(server);
	}

	@Override
	public Mono<MatchResult> matches(ServerWebExchange exchange) {
		if (!this.separate) {
			return MatchResult.notMatch();
		}
		int expected = this.port;
		if (expected == 0) {
			Integer bound = this.environment.getProperty("local.management.port", Integer.class);
			if (bound == null) {
				return MatchResult.notMatch();
			}
			this.port = bound;
			expected = bound;
		}
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		return (local != null && local.getPort() == expected) ? MatchResult.match() : MatchResult.notMatch();
	}

}
