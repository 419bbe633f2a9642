package dev.devassist.proxy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.devassist.proxy.embedding.EmbeddingBatcher;
import dev.devassist.proxy.embedding.MiniLmEncoder;
import dev.devassist.proxy.forwarding.ForwardingHandler;
import dev.devassist.proxy.forwarding.LocalEmbeddings;
import dev.devassist.proxy.forwarding.ModelsHandler;
import dev.devassist.proxy.forwarding.ProxyServer;
import dev.devassist.proxy.forwarding.UpstreamClients;
import dev.devassist.proxy.metrics.ProxyMetrics;
import dev.devassist.proxy.routing.DnsDiscovery;
import dev.devassist.proxy.routing.EngineStateScraper;
import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
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

	@Bean
	DnsDiscovery dnsDiscovery(PoolRegistry pools, ProxyProperties properties, MeterRegistry meterRegistry) {
		List<DnsDiscovery.Target> targets = new ArrayList<>();
		for (Pool pool : pools.pools()) {
			ProxyProperties.Discovery discovery = properties.pools().get(pool.name()).discovery();
			if (discovery.dnsName() != null) {
				targets.add(new DnsDiscovery.Target(pool, discovery.dnsName(), discovery.port(), discovery.scheme(),
						discovery.refresh()));
			}
		}
		return new DnsDiscovery(targets, properties.dns().nameServers(), properties.dns().timeout(), meterRegistry);
	}

	@Bean(destroyMethod = "dispose")
	UpstreamClients upstreamClients(ProxyProperties properties) {
		// Each event loop gets its own pool, so the bound is shared out between them.
		int perLoop = Math.max(1, properties.maxConnectionsPerBackend() / LoopResources.DEFAULT_IO_WORKER_COUNT);
		ConnectionProvider.Builder pool = ConnectionProvider.builder("backends")
			.maxConnections(perLoop)
			.pendingAcquireMaxCount(perLoop * 2)
			.pendingAcquireTimeout(properties.timeouts().connect())
			.maxIdleTime(Duration.ofSeconds(30))
			// The most recently used connection first: its buffers and state are still
			// warm,
			// and connections beyond the load go idle and expire.
			.lifo();
		return new UpstreamClients(pool,
				(provider) -> HttpClient.create(provider)
					.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeouts().connect().toMillis())
					.responseTimeout(properties.timeouts().firstByte()));
	}

	@Bean
	ProxyMetrics proxyMetrics(MeterRegistry meterRegistry, PoolRegistry pools, ProxyProperties properties) {
		ProxyMetrics metrics = new ProxyMetrics(meterRegistry);
		metrics.watchPools(pools, properties.engineState().staleAfter());
		return metrics;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnBooleanProperty(name = "proxy.local-embedding.enabled", matchIfMissing = true)
	MiniLmEncoder miniLmEncoder(ProxyProperties properties) {
		int threads = properties.localEmbedding().threads();
		return new MiniLmEncoder((threads > 0) ? threads : Runtime.getRuntime().availableProcessors());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnBean(MiniLmEncoder.class)
	EmbeddingBatcher embeddingBatcher(MiniLmEncoder encoder, ProxyProperties properties, ProxyMetrics proxyMetrics) {
		ProxyProperties.LocalEmbedding local = properties.localEmbedding();
		return new EmbeddingBatcher(encoder::embed, local.batching(), local.maxBatchSize(), local.maxQueue(),
				local.workers(), proxyMetrics.batchSizes(local.model()));
	}

	@Bean
	@ConditionalOnBean(EmbeddingBatcher.class)
	LocalEmbeddings localEmbeddings(EmbeddingBatcher batcher, ProxyProperties properties, PoolRegistry pools) {
		ProxyProperties.LocalEmbedding local = properties.localEmbedding();
		for (String name : local.names()) {
			if (pools.forModel(name).isPresent()) {
				throw new IllegalStateException("Model name '" + name + "' is claimed by pool '"
						+ pools.forModel(name).get().name() + "' and by the local embedding model; rename one, or set "
						+ "proxy.local-embedding.enabled=false");
			}
		}
		return new LocalEmbeddings(local.model(), local.names(), batcher);
	}

	@Bean
	ForwardingHandler forwardingHandler(PoolRegistry pools, UpstreamClients upstreamClients, ProxyProperties properties,
			ProxyMetrics proxyMetrics, ObjectProvider<LocalEmbeddings> localEmbeddings) {
		return new ForwardingHandler(pools, upstreamClients, properties, proxyMetrics,
				localEmbeddings.getIfAvailable());
	}

	/**
	 * One thread of its own for reading the replicas' metrics pages: parsing a page of
	 * tens of kilobytes on a request loop would hold up the requests behind it.
	 */
	@Bean(destroyMethod = "dispose")
	LoopResources engineStateLoop() {
		return LoopResources.create("engine-state", 1, true);
	}

	@Bean
	EngineStateScraper engineStateScraper(PoolRegistry pools, ProxyProperties properties,
			LoopResources engineStateLoop) {
		HttpClient client = HttpClient.create(ConnectionProvider.create("engine-state", 64))
			.runOn(engineStateLoop)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeouts().connect().toMillis())
			.responseTimeout(properties.engineState().staleAfter());
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
			HttpHandler httpHandler, MeterRegistry meterRegistry, ObjectProvider<LocalEmbeddings> localEmbeddings) {
		LocalEmbeddings local = localEmbeddings.getIfAvailable();
		return new ProxyServer(properties.host(), properties.port(), properties.drainTimeout(), forwarding,
				new ModelsHandler(pools, (local != null) ? local.names() : List.of()), properties.serviceToken(),
				httpHandler, meterRegistry);
	}

}
