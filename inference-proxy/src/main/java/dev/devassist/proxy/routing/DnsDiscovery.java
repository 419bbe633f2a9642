package dev.devassist.proxy.routing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;

/**
 * Keeps the replicas of DNS-discovered pools up to date: each pool's name is looked up at
 * start and then at every refresh, and every address it lists becomes a replica. Lookups
 * go through Netty's asynchronous resolver with no cache of its own, so a change shows at
 * the next refresh whatever the JVM's address cache holds, and each lookup has a timeout.
 * A failed lookup keeps the replicas found last: a DNS hiccup must not empty a pool that
 * still serves. It is reported at warn once, then at debug until a lookup works again.
 */
public final class DnsDiscovery implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DnsDiscovery.class);

	private final List<Target> targets;

	private final List<String> nameServers;

	private final Duration timeout;

	private final MeterRegistry meters;

	private volatile @Nullable EventLoopGroup loops;

	private volatile @Nullable DnsNameResolver resolver;

	private volatile Disposable.@Nullable Composite schedules;

	/**
	 * Creates the discovery; it runs once started.
	 * @param targets the pools to keep up to date, with their names
	 * @param nameServers DNS servers as {@code host} or {@code host:port}; empty for the
	 * system's
	 * @param timeout the longest a lookup may take
	 * @param meters where lookups are counted
	 */
	public DnsDiscovery(List<Target> targets, List<String> nameServers, Duration timeout, MeterRegistry meters) {
		this.targets = List.copyOf(targets);
		this.meters = meters;
		this.nameServers = List.copyOf(nameServers);
		this.timeout = timeout;
	}

	@Override
	public void start() {
		if (this.targets.isEmpty()) {
			return;
		}
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		DnsNameResolver built = new DnsNameResolverBuilder(group.next()).datagramChannelType(NioDatagramChannel.class)
			.resolveCache(NoopDnsCache.INSTANCE)
			.queryTimeoutMillis(this.timeout.toMillis())
			.resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
			.nameServerProvider(nameServerProvider(this.nameServers))
			.build();
		this.loops = group;
		this.resolver = built;
		Disposable.Composite all = Disposables.composite();
		for (Target target : this.targets) {
			// The first lookup is waited for, so that the pool starts with its replicas.
			refresh(target).block(this.timeout.plusSeconds(1));
			all.add(Flux.interval(target.refresh(), target.refresh())
				.onBackpressureDrop()
				.concatMap((tick) -> refresh(target))
				.subscribe());
		}
		this.schedules = all;
	}

	@Override
	public void stop() {
		Disposable.Composite current = this.schedules;
		this.schedules = null;
		if (current != null) {
			current.dispose();
		}
		DnsNameResolver built = this.resolver;
		if (built != null) {
			built.close();
		}
		EventLoopGroup group = this.loops;
		if (group != null) {
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	/**
	 * Starts before the server takes requests, so that a pool has its replicas then, and
	 * stops after it has drained.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 1000;
	}

	@Override
	public boolean isRunning() {
		return this.schedules != null;
	}

	private Mono<Void> refresh(Target target) {
		return lookUp(target.dnsName()).doOnNext((addresses) -> {
			count(target, "success");
			apply(target, addresses);
		}).onErrorResume((ex) -> {
			count(target, "failure");
			if (target.failing(true)) {
				logger.warn(
						"Cannot look up the replicas of pool '{}' at {} ({}); keeping its {} replicas and trying "
								+ "again every {}",
						target.pool().name(), target.dnsName(), ex.getMessage(), target.pool().backends().size(),
						target.refresh());
			}
			else {
				logger.debug("Still cannot look up {}", target.dnsName(), ex);
			}
			return Mono.empty();
		}).then();
	}

	private void count(Target target, String outcome) {
		Counter.builder("devassist.proxy.discovery.lookups")
			.description("DNS lookups of a discovered pool's replicas, by outcome")
			.tag("pool", target.pool().name())
			.tag("outcome", outcome)
			.register(this.meters)
			.increment();
	}

	private Mono<List<InetAddress>> lookUp(String name) {
		DnsNameResolver current = this.resolver;
		if (current == null) {
			return Mono.error(new IllegalStateException("discovery is stopped"));
		}
		return Mono.<List<InetAddress>>create((sink) -> current.resolveAll(name).addListener((future) -> {
			if (future.isSuccess()) {
				@SuppressWarnings("unchecked")
				List<InetAddress> addresses = (List<InetAddress>) future.getNow();
				sink.success(addresses);
			}
			else {
				sink.error(future.cause());
			}
		})).timeout(this.timeout.plusMillis(500));
	}

	private static void apply(Target target, List<InetAddress> addresses) {
		if (target.failing(false)) {
			logger.info("Looking up the replicas of pool '{}' at {} works again", target.pool().name(),
					target.dnsName());
		}
		List<URI> urls = new ArrayList<>(addresses.size());
		for (InetAddress address : addresses) {
			String host = address.getHostAddress();
			String literal = (host.indexOf(':') >= 0) ? "[" + host + "]" : host;
			urls.add(URI.create(target.scheme() + "://" + literal + ":" + target.port()));
		}
		if (target.pool().updateBackends(urls)) {
			logger.info("Pool '{}' now has {} replicas from {}: {}", target.pool().name(), urls.size(),
					target.dnsName(), target.pool().backends());
		}
	}

	private static DnsServerAddressStreamProvider nameServerProvider(List<String> servers) {
		if (servers.isEmpty()) {
			return DnsServerAddressStreamProviders.platformDefault();
		}
		List<InetSocketAddress> addresses = new ArrayList<>(servers.size());
		for (String server : servers) {
			int colon = server.lastIndexOf(':');
			boolean hasPort = colon > 0 && server.indexOf(':') == colon;
			addresses.add(hasPort
					? new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1)))
					: new InetSocketAddress(server, 53));
		}
		return new SequentialDnsServerAddressStreamProvider(addresses);
	}

	/**
	 * A pool whose replicas a DNS name lists.
	 */
	public static final class Target {

		private final Pool pool;

		private final String dnsName;

		private final int port;

		private final String scheme;

		private final Duration refresh;

		private volatile boolean failing;

		/**
		 * Describes a pool to keep up to date.
		 * @param pool the pool
		 * @param dnsName the name listing its replicas
		 * @param port the replicas' port
		 * @param scheme {@code http} or {@code https}
		 * @param refresh time between two lookups
		 */
		public Target(Pool pool, String dnsName, int port, String scheme, Duration refresh) {
			this.pool = pool;
			this.dnsName = dnsName;
			this.port = port;
			this.scheme = scheme;
			this.refresh = refresh;
		}

		Pool pool() {
			return this.pool;
		}

		String dnsName() {
			return this.dnsName;
		}

		int port() {
			return this.port;
		}

		String scheme() {
			return this.scheme;
		}

		Duration refresh() {
			return this.refresh;
		}

		/** Records whether lookups fail, and says whether that changed. */
		boolean failing(boolean now) {
			boolean changed = this.failing != now;
			this.failing = now;
			return changed;
		}

	}

}
