package dev.devassist.rag.ingestion;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.jspecify.annotations.Nullable;

/**
 * The ingestion queue: a Redis stream read by one consumer group. A job stays pending
 * with the consumer that took it until it is acknowledged; a consumer that restarts under
 * the same name takes its own pending jobs back first, and jobs left idle by a consumer
 * that never came back are claimed by another after {@code reclaimAfter}. A worker renews
 * its claim while it works, so a long job is never taken from a live worker.
 */
public final class JobQueue implements AutoCloseable {

	static final String FIELD = "job";

	private static final long MAX_LENGTH = 100_000;

	private final String stream;

	private final String group;

	private final String consumer;

	private final StatefulRedisConnection<String, String> connection;

	/**
	 * Opens the queue.
	 * @param client the Redis client
	 * @param stream the stream's key
	 * @param group the consumer group
	 * @param consumer this instance's name in the group, stable across restarts
	 */
	public JobQueue(RedisClient client, String stream, String group, String consumer) {
		this.stream = stream;
		this.group = group;
		this.consumer = consumer;
		this.connection = client.connect();
	}

	/**
	 * Creates the stream and group when missing.
	 */
	public void createGroup() {
		try {
			commands().xgroupCreate(XReadArgs.StreamOffset.from(this.stream, "0"), this.group,
					XGroupCreateArgs.Builder.mkstream());
		}
		catch (RedisBusyException ex) {
			// BUSYGROUP: it exists already, as it does after the first start.
		}
	}

	/**
	 * Queues a job.
	 * @param jobId the job
	 * @return the stream entry's id
	 */
	public String enqueue(String jobId) {
		return commands().xadd(this.stream, XAddArgs.Builder.maxlen(MAX_LENGTH).approximateTrimming(),
				Map.of(FIELD, jobId));
	}

	/**
	 * Entries this consumer took and never acknowledged, as after a crash.
	 * @param connection a connection of the caller's own
	 * @return them, oldest first
	 */
	List<Entry> ownPending(StatefulRedisConnection<String, String> connection) {
		return entries(connection.sync()
			.xreadgroup(Consumer.from(this.group, this.consumer), XReadArgs.Builder.count(16),
					XReadArgs.StreamOffset.from(this.stream, "0")));
	}

	/**
	 * Waits for the next new entry.
	 * @param connection a connection of the caller's own, since the wait blocks it
	 * @param wait how long to wait
	 * @return the entry, or empty when none came
	 */
	Optional<Entry> next(StatefulRedisConnection<String, String> connection, Duration wait) {
		List<Entry> entries = entries(connection.sync()
			.xreadgroup(Consumer.from(this.group, this.consumer), XReadArgs.Builder.count(1).block(wait),
					XReadArgs.StreamOffset.lastConsumed(this.stream)));
		return entries.stream().findFirst();
	}

	/**
	 * Takes over entries that another consumer has left idle for too long.
	 * @param idle how long idle
	 * @return the entries taken
	 */
	List<Entry> reclaim(Duration idle) {
		var claimed = commands().xautoclaim(this.stream,
				XAutoClaimArgs.Builder.xautoclaim(Consumer.from(this.group, this.consumer), idle, "0-0").count(8));
		return entries(claimed.getMessages());
	}

	/**
	 * Renews this consumer's claim on an entry it is working on.
	 * @param entry the entry
	 */
	void renew(Entry entry) {
		commands().xclaim(this.stream, Consumer.from(this.group, this.consumer), XClaimArgs.Builder.justid(),
				entry.id());
	}

	/**
	 * Acknowledges an entry and removes it: its job has ended.
	 * @param entry the entry
	 */
	void acknowledge(Entry entry) {
		commands().xack(this.stream, this.group, entry.id());
		commands().xdel(this.stream, entry.id());
	}

	/**
	 * Entries not yet acknowledged: queued or in work.
	 * @return their number
	 */
	long depth() {
		return commands().xlen(this.stream);
	}

	String consumer() {
		return this.consumer;
	}

	@Override
	public void close() {
		this.connection.close();
	}

	private RedisCommands<String, String> commands() {
		return this.connection.sync();
	}

	private static List<Entry> entries(List<StreamMessage<String, String>> messages) {
		// An entry deleted while pending comes back without a body: its job is gone.
		return messages.stream()
			.map((message) -> new Entry(message.getId(),
					(message.getBody() != null) ? message.getBody().get(FIELD) : null))
			.toList();
	}

	/**
	 * One queued job.
	 *
	 * @param id the stream entry's id
	 * @param jobId the job's id, or none when the entry lost its body
	 */
	record Entry(String id, @Nullable String jobId) {
	}

}
