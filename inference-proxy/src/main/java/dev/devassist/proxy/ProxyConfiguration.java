package dev.devassist.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.devassist.proxy.forwarding.ForwardingHandler;
import dev.devassist.proxy.forwarding.ModelsHandler;
import dev.devassist.proxy.forwarding.ProxyException;
import dev.devassist.proxy.forwarding.ServiceTokenFilter;
import dev.devassist.proxy.metrics.ProxyMetrics;
import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

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
					pool.apiKey()));
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
	ForwardingHandler forwardingHandler(PoolRegistry pools, ConnectionProvider backendConnections,
			ProxyProperties properties, MeterRegistry meterRegistry) {
		HttpClient client = HttpClient.create(backendConnections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeouts().connect().toMillis())
			.responseTimeout(properties.timeouts().firstByte());
		return new ForwardingHandler(pools, client, properties, new ProxyMetrics(meterRegistry));
	}

	@Bean
	RouterFunction<ServerResponse> proxyRoutes(ForwardingHandler forwarding, PoolRegistry pools,
			ProxyProperties properties) {
		ModelsHandler models = new ModelsHandler(pools);
		return RouterFunctions.route()
			.POST("/v1/chat/completions", forwarding::handle)
			.POST("/v1/completions", forwarding::handle)
			.POST("/v1/embeddings", forwarding::handle)
			.GET("/v1/models", models::handle)
			.onError(ProxyException.class, (ex, request) -> {
				ProxyException error = (ProxyException) ex;
				return ServerResponse.status(error.status())
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(error.body());
			})
			.build()
			.filter(new ServiceTokenFilter(properties.serviceToken()));
	}

}
