package dev.devassist.proxy.routing;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica of a pool, and what the proxy knows of its load.
 */
public final class Backend {

	private final String id;

	private final URI url;

	private final AtomicInteger outstanding = new AtomicInteger();

	Backend(String id, URI url) {
		this.id = id;
		this.url = url;
	}

	/**
	 * A short name for logs, metrics and the response header, e.g. {@code chat/0}; never
	 * the URL, which callers need not see.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	public URI url() {
		return this.url;
	}

	public int outstanding() {
		return this.outstanding.get();
	}

	/** Counts a request sent to this replica. */
	public void acquire() {
		this.outstanding.incrementAndGet();
	}

	/** Counts a request to this replica as finished. */
	public void release() {
		this.outstanding.decrementAndGet();
	}

	@Override
	public String toString() {
		return this.id;
	}

}
