package dev.devassist.proxy.forwarding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.Priority;
import dev.devassist.proxy.routing.RouteRequest;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Merges concurrent {@code /v1/embeddings} requests for one pool into one call to a
 * replica, and splits the answer back: a GPU embeds a batch of texts in about the time of
 * one. A batch is sent when it holds {@code maxInputs} texts or when its first request
 * has waited {@code maxWait}, whichever comes first; only requests with the same
 * encoding, dimensions and priority share a batch. The usage of a merged answer is shared
 * out in proportion to each request's characters, since a replica reports only the total.
 * <p>
 * A replica that refuses the merged call with a 4xx (one text too long, say) is asked
 * again for each request on its own, so that one bad request fails alone.
 */
final class EmbeddingMerger {

	private static final JsonMapper JSON = Json.MAPPER;

	private final Exchange exchange;

	private final int maxInputs;

	private final Duration maxWait;

	private final IntConsumer batchSizes;

	private final Scheduler timer = Schedulers.parallel();

	private final Map<Key, Batch> open = new HashMap<>();

	/**
	 * Creates the merger of one pool.
	 * @param exchange sends a body to one of the pool's replicas and returns the whole
	 * answer
	 * @param maxInputs most texts in one merged call
	 * @param maxWait longest a request waits for others to join it
	 * @param batchSizes told the number of texts of every merged call
	 */
	EmbeddingMerger(Exchange exchange, int maxInputs, Duration maxWait, IntConsumer batchSizes) {
		this.exchange = exchange;
		this.maxInputs = maxInputs;
		this.maxWait = maxWait;
		this.batchSizes = batchSizes;
	}

	/**
	 * Reads a request that can be merged: texts as a string or strings, float or base64
	 * encoding, optional dimensions and user, nothing else.
	 * @param body the request body
	 * @param priority the request's band
	 * @return the request, or null when it must go to a replica as it is
	 */
	static @Nullable Mergeable read(byte[] body, Priority priority) {
		JsonNode tree;
		try {
			tree = JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
		List<String> texts = new ArrayList<>();
		String format = "float";
		Integer dimensions = null;
		for (Map.Entry<String, JsonNode> field : tree.properties()) {
			JsonNode value = field.getValue();
			switch (field.getKey()) {
				case "model", "user" -> {
				}
				case "input" -> {
					if (!texts(value, texts)) {
						return null;
					}
				}
				case "encoding_format" -> {
					if (!value.isString() || !(value.asString().equals("float") || value.asString().equals("base64"))) {
						return null;
					}
					format = value.asString();
				}
				case "dimensions" -> {
					if (!value.isInt()) {
						return null;
					}
					dimensions = value.asInt();
				}
				default -> {
					return null;
				}
			}
		}
		return texts.isEmpty() ? null : new Mergeable(texts, new Key(format, dimensions, priority));
	}

	private static boolean texts(JsonNode input, List<String> texts) {
		if (input.isString()) {
			texts.add(input.asString());
			return true;
		}
		if (!input.isArray() || input.isEmpty() || input.size() > LocalEmbeddings.MAX_INPUTS) {
			return false;
		}
		for (JsonNode item : input) {
			if (!item.isString()) {
				return false;
			}
			texts.add(item.asString());
		}
		return true;
	}

	/**
	 * Adds a request to the open batch of its kind, sending the batch when it is full.
	 * @param request the request
	 * @param context the request's route and id, used when its batch is sent
	 * @return the request's own answer
	 */
	Mono<Exchanged> submit(Mergeable request, Exchange.Context context) {
		if (request.texts().size() >= this.maxInputs) {
			return this.exchange.send(body(request.texts(), request.key(), context.pool()), context);
		}
		return Mono.create((sink) -> {
			List<Batch> ready = new ArrayList<>(2);
			synchronized (this.open) {
				Batch batch = this.open.get(request.key());
				if (batch != null && batch.texts + request.texts().size() > this.maxInputs) {
					ready.add(this.open.remove(request.key()));
					batch = null;
				}
				if (batch == null) {
					batch = new Batch(request.key(), context);
					this.open.put(request.key(), batch);
					Batch opened = batch;
					this.timer.schedule(() -> sendIfOpen(opened), this.maxWait.toNanos(), TimeUnit.NANOSECONDS);
				}
				batch.add(request, context, sink);
				if (batch.texts == this.maxInputs) {
					ready.add(this.open.remove(request.key()));
				}
			}
			ready.forEach(this::send);
		});
	}

	private void sendIfOpen(Batch batch) {
		synchronized (this.open) {
			if (this.open.get(batch.key) != batch) {
				return;
			}
			this.open.remove(batch.key);
		}
		send(batch);
	}

	private void send(Batch batch) {
		List<String> texts = new ArrayList<>(batch.texts);
		batch.members.forEach((member) -> texts.addAll(member.request().texts()));
		this.batchSizes.accept(texts.size());
		if (batch.members.size() == 1) {
			Member only = batch.members.getFirst();
			this.exchange.send(body(texts, batch.key, batch.context.pool()), batch.context)
				.subscribe(only.sink()::success, only.sink()::error);
			return;
		}
		this.exchange.send(body(texts, batch.key, batch.context.pool()), batch.context).subscribe((answer) -> {
			if (answer.status() == 200) {
				split(batch, answer);
			}
			else if (answer.status() >= 400 && answer.status() < 500) {
				batch.members.forEach(this::sendAlone);
			}
			else {
				batch.members.forEach((member) -> member.sink().success(answer));
			}
		}, (ex) -> batch.members.forEach((member) -> member.sink().error(ex)));
	}

	private void sendAlone(Member member) {
		this.exchange
			.send(body(member.request().texts(), member.request().key(), member.context().pool()), member.context())
			.subscribe(member.sink()::success, member.sink()::error);
	}

	private static void split(Batch batch, Exchanged answer) {
		JsonNode tree;
		try {
			tree = JSON.readTree(answer.body());
		}
		catch (JacksonException ex) {
			fail(batch, "The replica's merged embeddings answer is not valid JSON.");
			return;
		}
		JsonNode data = tree.path("data");
		int total = batch.members.stream().mapToInt((member) -> member.request().texts().size()).sum();
		if (!data.isArray() || data.size() != total) {
			fail(batch, "The replica answered " + data.size() + " embeddings for " + total + " texts.");
			return;
		}
		JsonNode[] byIndex = new JsonNode[total];
		for (int i = 0; i < total; i++) {
			JsonNode item = data.get(i);
			int index = item.path("index").asInt(i);
			byIndex[(index >= 0 && index < total) ? index : i] = item;
		}
		long tokens = tree.path("usage").path("prompt_tokens").asLong(0);
		long characters = Math.max(1, batch.members.stream().mapToLong(Member::characters).sum());
		int offset = 0;
		for (Member member : batch.members) {
			int count = member.request().texts().size();
			ObjectNode own = JSON.createObjectNode();
			own.put("object", "list");
			ArrayNode items = own.putArray("data");
			for (int i = 0; i < count; i++) {
				ObjectNode item = ((ObjectNode) byIndex[offset + i]).deepCopy();
				item.put("index", i);
				items.add(item);
			}
			own.set("model", tree.path("model"));
			long share = Math.round((double) tokens * member.characters() / characters);
			ObjectNode usage = own.putObject("usage");
			usage.put("prompt_tokens", share);
			usage.put("total_tokens", share);
			member.sink().success(new Exchanged(200, JSON.writeValueAsBytes(own), answer.backendId()));
			offset += count;
		}
	}

	private static void fail(Batch batch, String message) {
		ProxyException error = new ProxyException(502, "BadGatewayError", message, null);
		batch.members.forEach((member) -> member.sink().error(error));
	}

	private static byte[] body(List<String> texts, Key key, Pool pool) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", pool.model());
		ArrayNode input = body.putArray("input");
		texts.forEach(input::add);
		body.put("encoding_format", key.format());
		if (key.dimensions() != null) {
			body.put("dimensions", key.dimensions());
		}
		return JSON.writeValueAsBytes(body);
	}

	/**
	 * Sends a body to one of a pool's replicas, through admission and routing, and
	 * returns the whole answer.
	 */
	@FunctionalInterface
	interface Exchange {

		/**
		 * Sends the body.
		 * @param body the request body
		 * @param context the request's pool, route and id
		 * @return the replica's answer, or an error the client is to see
		 */
		Mono<Exchanged> send(byte[] body, Context context);

		/**
		 * Where a merged call goes and on whose behalf.
		 *
		 * @param pool the pool
		 * @param route the route of the batch's first request
		 * @param requestId the id of the batch's first request
		 * @param loop the event loop of the batch's first request
		 */
		record Context(Pool pool, RouteRequest route, String requestId, EventLoop loop) {
		}

	}

	/**
	 * A replica's whole answer.
	 *
	 * @param status its HTTP status
	 * @param body its body
	 * @param backendId the replica that answered
	 */
	record Exchanged(int status, byte[] body, String backendId) {
	}

	/**
	 * What requests must share to be merged.
	 *
	 * @param format {@code float} or {@code base64}
	 * @param dimensions the dimensions asked for, or null
	 * @param priority the band
	 */
	record Key(String format, @Nullable Integer dimensions, Priority priority) {
	}

	/**
	 * A request that can be merged.
	 *
	 * @param texts its texts
	 * @param key what it must share with others
	 */
	record Mergeable(List<String> texts, Key key) {
	}

	private record Member(Mergeable request, Exchange.Context context, MonoSink<Exchanged> sink, long characters) {
	}

	private static final class Batch {

		private final Key key;

		private final Exchange.Context context;

		private final List<Member> members = new ArrayList<>();

		private int texts;

		Batch(Key key, Exchange.Context context) {
			this.key = key;
			this.context = context;
		}

		void add(Mergeable request, Exchange.Context context, MonoSink<Exchanged> sink) {
			long characters = 0;
			for (String text : request.texts()) {
				characters += text.length();
			}
			this.members.add(new Member(request, context, sink, characters));
			this.texts += request.texts().size();
		}

	}

}
