package dev.devassist.platform.web;

import java.net.InetSocketAddress;

import org.springframework.core.env.Environment;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;

/**
 * Calls that arrive on the management port ({@code management.server.port}, set where the
 * platform is deployed): health and Prometheus metrics, for the kubelet and Prometheus
 * inside the cluster. That port is never published outside it (the chart's Services give
 * it no Ingress, its NetworkPolicies open it to the monitoring namespace only), so what
 * it serves needs no token. Without a separate management port nothing matches, and
 * metrics stay behind the token like every other route.
 */
public final class ManagementPort {

	private ManagementPort() {
	}

	/**
	 * A matcher for exchanges that came in on the management port.
	 * @param environment where Spring Boot records the ports it listens on
	 * @return the matcher
	 */
	public static ServerWebExchangeMatcher matcher(Environment environment) {
		return (exchange) -> {
			String management = environment.getProperty("local.management.port");
			String server = environment.getProperty("local.server.port");
			InetSocketAddress local = exchange.getRequest().getLocalAddress();
			boolean onManagementPort = management != null && !management.equals(server) && local != null
					&& String.valueOf(local.getPort()).equals(management);
			return onManagementPort ? ServerWebExchangeMatcher.MatchResult.match()
					: ServerWebExchangeMatcher.MatchResult.notMatch();
		};
	}

}
