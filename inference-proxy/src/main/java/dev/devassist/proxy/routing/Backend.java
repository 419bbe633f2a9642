package dev.devassist.proxy.routing;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * One replica of a pool, and what the proxy knows of its load.
 */
public final class Backend {

	private final String id;

	private final int index;

	private final String baseUrl;

	private final AtomicInteger outstanding = new AtomicInteger();

	private final Map<String, URI> endpoints = new ConcurrentHashMap<>();

	private volatile @Nullable EngineState engineState;

	private final Health health;

	Backend(String id, int index, URI url, Health.OutlierSettings outlier) {
		this.id = id;
		this.index = index;
		this.health = new Health(id, outlier);
		this.baseUrl = baseUrl(url);
	}

	/**
	 * A replica's URL as the proxy keeps it.
	 * @param url the URL as configured or discovered
	 * @return the URL without a trailing slash
	 */
	static String baseUrl(URI url) {
		String text = url.toString();
		return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
	}

	/**
	 * A short name for logs, metrics and the response header, e.g. {@code chat/0}; never
	 * the URL, which callers need not see.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * The replica's number in its pool, unique among the pool's replicas.
	 * @return from 0
	 */
	public int index() {
		return this.index;
	}

	/**
	 * The URL without a trailing slash, to which request paths are appended.
	 * @return e.g. {@code http://vllm-0:8000}
	 */
	public String baseUrl() {
		return this.baseUrl;
	}

	/**
	 * The URL of one of the replica's endpoints, parsed once: the HTTP client would
	 * otherwise parse the URL text with a regular expression on every call.
	 * @param path the path, e.g. {@code /v1/chat/completions}; one of a few fixed ones
	 * @return the URL
	 */
	public URI endpoint(String path) {
		return this.endpoints.computeIfAbsent(path, (key) -> URI.create(this.baseUrl + key));
	}

	/**
	 * Whether the replica is in service, and what its requests and checks say of it.
	 * @return its health
	 */
	public Health health() {
		return this.health;
	}

	public int outstanding() {
		return this.outstanding.get();
	}

	/**
	 * What the replica's engine last reported, however old.
	 * @return the state, or null before the first successful scrape
	 */
	public @Nullable EngineState engineState() {
		return this.engineState;
	}

	void engineState(EngineState state) {
		this.engineState = state;
	}

	/** Counts a request sent to this replica. */
	void acquire() {
		this.outstanding.incrementAndGet();
	}

	/** Counts a request to this replica as finished. */
	void release() {
		this.outstanding.decrementAndGet();
	}

	@Override
	public String toString() {
		return this.id;
	}

}
