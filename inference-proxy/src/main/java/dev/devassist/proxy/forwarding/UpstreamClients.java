package dev.devassist.proxy.forwarding;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.netty.channel.EventLoop;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * One HTTP client, with its own connection pool, for each event loop that serves
 * requests: a request's upstream call then runs on the very thread that read the request,
 * and its answer is written back from there, with no hand-over between threads on the
 * way. With a single shared pool a pooled connection usually lives on another loop, and
 * each request crosses threads twice.
 */
public final class UpstreamClients {

	private final Map<EventLoop, HttpClient> byLoop = new ConcurrentHashMap<>();

	private final List<ConnectionProvider> providers = new CopyOnWriteArrayList<>();

	private final Function<ConnectionProvider, HttpClient> client;

	private final ConnectionProvider.Builder pool;

	/**
	 * Creates the clients lazily, one per event loop.
	 * @param pool how each loop's connection pool is built
	 * @param client how a client is configured on top of its pool
	 */
	public UpstreamClients(ConnectionProvider.Builder pool, Function<ConnectionProvider, HttpClient> client) {
		this.pool = pool;
		this.client = client;
	}

	/**
	 * The client whose connections live on the given loop.
	 * @param loop the event loop of the request being served
	 * @return the client
	 */
	HttpClient on(EventLoop loop) {
		HttpClient existing = this.byLoop.get(loop);
		return (existing != null) ? existing : this.byLoop.computeIfAbsent(loop, this::create);
	}

	private HttpClient create(EventLoop loop) {
		ConnectionProvider provider = this.pool.name("backends-" + this.providers.size()).build();
		this.providers.add(provider);
		return this.client.apply(provider).runOn(loop);
	}

	/** Closes every connection pool. */
	public void dispose() {
		this.providers.forEach(ConnectionProvider::dispose);
	}

}
