package dev.devassist.assistant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A best-effort cache in Redis: every read and write has a short timeout, and a Redis
 * that is down or slow makes the cache miss rather than the request fail.
 */
public final class RedisCache implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisCache.class);

	private static final String PREFIX = "devassist:assistant:";

	private final RedisClient client;

	private final Duration timeout;

	private final AtomicBoolean failing = new AtomicBoolean();

	private final RedisURI uri;

	private volatile @Nullable StatefulRedisConnection<String, String> connection;

	/**
	 * Creates the cache; it connects on first use, and again whenever the connection is
	 * lost.
	 * @param client the Redis client, set to reject commands while disconnected
	 * @param uri where Redis is
	 * @param timeout the longest one command may take
	 */
	public RedisCache(RedisClient client, RedisURI uri, Duration timeout) {
		this.client = client;
		this.uri = uri;
		this.timeout = timeout;
	}

	/**
	 * The key for a value: its kind, the tenant, and a digest of what it depends on, so
	 * neither the tenant's data nor the question shows in Redis's key space.
	 * @param kind e.g. {@code retrieval}
	 * @param tenant the tenant it belongs to
	 * @param parts what the value depends on
	 * @return the key
	 */
	public static String key(String kind, String tenant, String... parts) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			digest.update(tenant.getBytes(StandardCharsets.UTF_8));
			for (String part : parts) {
				digest.update((byte) 0);
				digest.update(part.getBytes(StandardCharsets.UTF_8));
			}
			return PREFIX + kind + ':' + HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	/**
	 * Reads a value.
	 * @param key its key
	 * @return the value; empty when absent, or when Redis cannot answer in time
	 */
	public Mono<String> get(String key) {
		return commands().flatMap((commands) -> commands.get(key))
			.timeout(this.timeout)
			.doOnNext((value) -> recovered())
			.onErrorResume((ex) -> failed("read", ex));
	}

	/**
	 * Writes a value, best effort.
	 * @param key its key
	 * @param value the value
	 * @param ttl how long it is kept
	 * @return completes when written, or when the write was given up
	 */
	public Mono<Void> put(String key, String value, Duration ttl) {
		if (ttl.isZero() || ttl.isNegative()) {
			return Mono.empty();
		}
		return commands().flatMap((commands) -> commands.set(key, value, SetArgs.Builder.px(ttl.toMillis())))
			.timeout(this.timeout)
			.doOnNext((ok) -> recovered())
			.onErrorResume((ex) -> failed("write", ex))
			.then();
	}

	private Mono<RedisReactiveCommands<String, String>> commands() {
		StatefulRedisConnection<String, String> current = this.connection;
		if (current != null && current.isOpen()) {
			return Mono.just(current.reactive());
		}
		// Connecting never blocks the event loop; two requests that race here may both
		// connect, and the loser's connection is closed.
		return Mono.fromCompletionStage(() -> this.client.connectAsync(StringCodec.UTF8, this.uri)).map((connected) -> {
			synchronized (this) {
				StatefulRedisConnection<String, String> existing = this.connection;
				if (existing != null && existing.isOpen()) {
					connected.closeAsync();
					return existing.reactive();
				}
				connected.setTimeout(this.timeout);
				this.connection = connected;
				return connected.reactive();
			}
		});
	}

	private <T> Mono<T> failed(String action, Throwable ex) {
		if (this.failing.compareAndSet(false, true)) {
			logger.warn("The cache in Redis cannot {}; requests go on without it until it can: {}", action,
					ex.toString());
		}
		else {
			logger.debug("The cache in Redis still cannot {}: {}", action, ex.toString());
		}
		return Mono.empty();
	}

	private void recovered() {
		if (this.failing.compareAndSet(true, false)) {
			logger.info("The cache in Redis works again.");
		}
	}

	@Override
	public void close() {
		StatefulRedisConnection<String, String> current = this.connection;
		if (current != null) {
			current.close();
		}
	}

}
