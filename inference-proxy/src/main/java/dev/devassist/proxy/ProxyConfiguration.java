package dev.devassist.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.devassist.proxy.forwarding.ForwardingHandler;
import dev.devassist.proxy.forwarding.ModelsHandler;
import dev.devassist.proxy.forwarding.ProxyServer;
import dev.devassist.proxy.metrics.ProxyMetrics;
import dev.devassist.proxy.routing.EngineStateScraper;
import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;

/**
 * Wires the pools, the client that reaches their replicas, and the routes.
 */
@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

	@Bean
	PoolRegistry poolRegistry(ProxyProperties properties) {
		List<Pool> pools = new ArrayList<>();
		for (Map.Entry<String, ProxyProperties.Pool> entry : properties.pools().entrySet()) {
			ProxyProperties.Pool pool = entry.getValue();
			pools.add(new Pool(entry.getKey(), pool.model(), pool.aliases(), pool.backends(), pool.policy(),
					pool.apiKey(), properties.engineState().staleAfter(), pool.admission().limits(),
					properties.outlier().settings()));
		}
		return new PoolRegistry(pools);
	}

	@Bean(destroyMethod = "dispose")
	ConnectionProvider backendConnections(ProxyProperties properties) {
		return ConnectionProvider.builder("backends")
			.maxConnections(properties.maxConnectionsPerBackend())
			.pendingAcquireMaxCount(properties.maxConnectionsPerBackend() * 2)
			.pendingAcquireTimeout(properties.timeouts().connect())
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
	}

	@Bean
	ProxyMetrics proxyMetrics(MeterRegistry meterRegistry, PoolRegistry pools, ProxyProperties properties) {
		ProxyMetrics metrics = new ProxyMetrics(meterRegistry);
		metrics.watchPools(pools, properties.engineState().staleAfter());
		return metrics;
	}

	@Bean
	ForwardingHandler forwardingHandler(PoolRegistry pools, ConnectionProvider backendConnections,
			ProxyProperties properties, ProxyMetrics proxyMetrics) {
		HttpClient client = HttpClient.create(backendConnections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeouts().connect().toMillis())
			.responseTimeout(properties.timeouts().firstByte());
		return new ForwardingHandler(pools, client, properties, proxyMetrics);
	}

	@Bean
	EngineStateScraper engineStateScraper(PoolRegistry pools, ProxyProperties properties) {
		HttpClient client = HttpClient.create(ConnectionProvider.create("engine-state", 64))
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeouts().connect().toMillis());
		return new EngineStateScraper(pools, client, properties.engineState().interval());
	}

	/**
	 * Keeps Spring Boot from starting a web server of its own: {@link ProxyServer}
	 * listens instead, and hands Spring's handler everything that is not the {@code /v1}
	 * API.
	 */
	@Bean
	ReactiveWebServerFactory detachedWebServerFactory() {
		return (httpHandler) -> new WebServer() {

			@Override
			public void start() {
			}

			@Override
			public void stop() {
			}

			@Override
			public int getPort() {
				return -1;
			}

		};
	}

	@Bean
	ProxyServer proxyServer(ProxyProperties properties, ForwardingHandler forwarding, PoolRegistry pools,
			HttpHandler httpHandler, MeterRegistry meterRegistry) {
		return new ProxyServer(properties.host(), properties.port(), properties.drainTimeout(), forwarding,
				new ModelsHandler(pools), properties.serviceToken(), httpHandler, meterRegistry);
	}

}
