package dev.devassist.proxy.forwarding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.devassist.proxy.ProxyProperties;
import dev.devassist.proxy.metrics.ProxyMetrics;
import dev.devassist.proxy.routing.Admission;
import dev.devassist.proxy.routing.Backend;
import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import dev.devassist.proxy.routing.Priority;
import dev.devassist.proxy.routing.RouteRequest;
import dev.devassist.proxy.routing.RoutingDecision;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Forwards {@code /v1/chat/completions}, {@code /v1/completions} and
 * {@code /v1/embeddings} to a replica of the requested model's pool and relays the answer
 * back buffer for buffer, on Reactor Netty directly. Only the {@code model},
 * {@code stream} and {@code user} fields are read; everything else passes through. A call
 * that fails before its first byte is retried on another replica; a stream that breaks
 * later ends with an error event rather than a hang.
 */
public final class ForwardingHandler {

	private static final Logger logger = LoggerFactory.getLogger(ForwardingHandler.class);

	static final String REQUEST_ID = "x-request-id";

	private static final String BACKEND = "x-devassist-backend";

	private static final String OVERHEAD = "x-devassist-proxy-overhead-ms";

	private static final String IDLE_TIMEOUT = "devassist.idleTimeout";

	private static final String CONTENT_LENGTH = "content-length";

	/**
	 * The longest whole answer gathered to be written at once; longer ones stream
	 * through.
	 */
	private static final int MAX_WHOLE_ANSWER = 1024 * 1024;

	private static final JsonMapper JSON = Json.MAPPER;

	private static final String UNKNOWN_MODEL = "unknown";

	private static final String PRIORITY = "x-priority";

	private static final String TENANT = "x-tenant";

	private static final String SESSION = "x-session-id";

	private static final int MAX_KEY_LENGTH = 128;

	private static final long[] NO_HASHES = {};

	private static final byte[] USAGE_OPTION = "\"stream_options\":{\"include_usage\":true},"
		.getBytes(StandardCharsets.US_ASCII);

	private final PoolRegistry pools;

	private final UpstreamClients clients;

	private final ProxyProperties.Timeouts timeouts;

	private final int retries;

	private final long maxRequestBytes;

	private final ProxyMetrics metrics;

	private final Priority defaultPriority;

	private final @Nullable LocalEmbeddings local;

	private final Map<String, EmbeddingMerger> mergers;

	/** The largest whole answer read for a merged call; vectors of 2,048 texts fit. */
	private static final int MAX_MERGED_ANSWER = 64 * 1024 * 1024;

	public ForwardingHandler(PoolRegistry pools, UpstreamClients clients, ProxyProperties properties,
			ProxyMetrics metrics, @Nullable LocalEmbeddings local) {
		this.local = local;
		this.pools = pools;
		this.defaultPriority = properties.defaultPriority();
		this.clients = clients;
		this.timeouts = properties.timeouts();
		this.retries = properties.retries();
		this.maxRequestBytes = properties.maxRequestSize().toBytes();
		this.metrics = metrics;
		Map<String, EmbeddingMerger> mergers = new HashMap<>();
		for (Pool pool : pools.pools()) {
			ProxyProperties.Batching batching = properties.pools().get(pool.name()).batching();
			if (batching.enabled()) {
				mergers.put(pool.name(), new EmbeddingMerger(this::exchange, batching.maxInputs(), batching.maxWait(),
						metrics.batchSizes(pool.name())));
			}
		}
		this.mergers = Map.copyOf(mergers);
	}

	/**
	 * Handles one request.
	 * @param request the request
	 * @param response where the replica's answer is relayed
	 * @param path the API path, e.g. {@code /v1/chat/completions}
	 * @return completes when the answer has been relayed
	 */
	public Mono<Void> handle(HttpServerRequest request, HttpServerResponse response, String path) {
		long arrival = System.nanoTime();
		String requestId = request.requestHeaders().get(REQUEST_ID);
		String id = (requestId != null && !requestId.isBlank() && requestId.length() <= 128) ? requestId
				: newRequestId();
		response.header(REQUEST_ID, id);
		return readBody(request).flatMap((body) -> forward(request, path, body, id, arrival, response));
	}

	private Mono<byte[]> readBody(HttpServerRequest request) {
		String declared = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
		if (declared != null && parseLong(declared) > this.maxRequestBytes) {
			return Mono.error(tooLarge());
		}
		return request.receive()
			.reduce(new ByteArrayOutputStream(), (out, chunk) -> append(out, chunk, this.maxRequestBytes))
			.map(ByteArrayOutputStream::toByteArray)
			.defaultIfEmpty(new byte[0]);
	}

	private ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf chunk, long limit) {
		if (out.size() + (long) chunk.readableBytes() > limit) {
			throw (limit == this.maxRequestBytes) ? tooLarge() : new ProxyException(502, "BadGatewayError",
					"The replica's answer is larger than the limit of " + limit + " bytes.", null);
		}
		try {
			chunk.readBytes(out, chunk.readableBytes());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot copy the request body", ex);
		}
		return out;
	}

	private ProxyException tooLarge() {
		return new ProxyException(413, "RequestEntityTooLarge",
				"The request body is larger than the limit of " + this.maxRequestBytes + " bytes.", null);
	}

	private Mono<Void> forward(HttpServerRequest request, String path, byte[] body, String requestId, long arrival,
			HttpServerResponse response) {
		RequestFacts facts = RequestFacts.read(body);
		if (this.local != null && this.local.serves(facts.model())) {
			return embedLocally(path, body, facts, arrival, response, ((Connection) request).channel().eventLoop());
		}
		Pool pool = this.pools.forModel(facts.model()).orElseThrow(() -> {
			// Not labelled with the name asked for: a caller could otherwise mint a new
			// time series with every request.
			this.metrics.error(UNKNOWN_MODEL, "", "404");
			return new ProxyException(404, "NotFoundError", "The model `" + facts.model() + "` does not exist.",
					"model");
		});
		RouteRequest route = routeRequest(request, facts,
				pool.routesOnPrefix() ? PromptPrefix.hashes(body) : NO_HASHES);
		EmbeddingMerger merger = path.equals("/v1/embeddings") ? this.mergers.get(pool.name()) : null;
		EmbeddingMerger.Mergeable mergeable = (merger != null) ? EmbeddingMerger.read(body, route.priority()) : null;
		if (mergeable != null) {
			return embedMerged(merger, mergeable, facts, pool, route, requestId, arrival, request, response);
		}
		boolean addUsage = facts.stream() && !facts.usageAsked() && !path.endsWith("/embeddings");
		Call call = new Call(pool, path, upstreamBody(body, facts, pool.model(), addUsage), facts, addUsage, route,
				requestId, arrival, new HashSet<>(), response, ((Connection) request).channel().eventLoop());
		this.metrics.started(facts.model(), pool.model());
		return admit(pool, route, arrival).flatMap((decision) -> attempt(call, decision))
			.doOnError((ex) -> finish(call, statusOf(ex)));
	}

	private Mono<RoutingDecision> admit(Pool pool, RouteRequest route, long since) {
		return pool.admission()
			.admit(route)
			.doOnNext(
					(decision) -> this.metrics.queued(pool, route.priority(), System.nanoTime() - since, "dispatched"))
			.onErrorMap(Admission.Rejected.class, (rejected) -> {
				this.metrics.queued(pool, route.priority(), System.nanoTime() - since, rejected.reason());
				return (rejected.status() == 429)
						? new ProxyException(429, "RateLimitError", rejected.getMessage(), null,
								rejected.retryAfterSeconds())
						: new ProxyException(rejected.status(), "ServiceUnavailableError", rejected.getMessage(), null,
								rejected.retryAfterSeconds());
			});
	}

	private Mono<Void> embedMerged(EmbeddingMerger merger, EmbeddingMerger.Mergeable mergeable, RequestFacts facts,
			Pool pool, RouteRequest route, String requestId, long arrival, HttpServerRequest request,
			HttpServerResponse response) {
		this.metrics.started(facts.model(), pool.model());
		EmbeddingMerger.Exchange.Context context = new EmbeddingMerger.Exchange.Context(pool, route, requestId,
				((Connection) request).channel().eventLoop());
		return merger.submit(mergeable, context).flatMap((answer) -> {
			this.metrics.finished(facts.model(), pool.model(), answer.status(),
					Duration.ofNanos(System.nanoTime() - arrival));
			return response.status(answer.status())
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(answer.body().length))
				.header(BACKEND, answer.backendId())
				.sendByteArray(Mono.just(answer.body()))
				.then();
		})
			.doOnError((ex) -> this.metrics.finished(facts.model(), pool.model(), statusOf(ex),
					Duration.ofNanos(System.nanoTime() - arrival)));
	}

	/**
	 * Sends a merged embeddings call through admission to a replica and reads its whole
	 * answer, trying another replica when one fails: embedding is idempotent, so a call
	 * that broke at any point may be repeated.
	 */
	private Mono<EmbeddingMerger.Exchanged> exchange(byte[] body, EmbeddingMerger.Exchange.Context context) {
		return admit(context.pool(), context.route(), System.nanoTime())
			.flatMap((decision) -> exchangeWith(body, context, decision, new HashSet<>()));
	}

	private Mono<EmbeddingMerger.Exchanged> exchangeWith(byte[] body, EmbeddingMerger.Exchange.Context context,
			RoutingDecision decision, Set<Backend> tried) {
		this.metrics.routed(context.pool(), decision);
		Backend backend = decision.backend();
		Lease lease = new Lease(context.pool(), backend);
		return this.clients.on(context.loop())
			.post()
			.uri(backend.endpoint("/v1/embeddings"))
			.send((request, outbound) -> {
				request.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
				request.header(REQUEST_ID, context.requestId());
				if (context.pool().apiKey() != null) {
					request.header(HttpHeaderNames.AUTHORIZATION, "Bearer " + context.pool().apiKey());
				}
				return outbound.send(Mono.just(Unpooled.wrappedBuffer(body)));
			})
			.responseConnection((response, connection) -> connection.inbound()
				.receive()
				.reduce(new ByteArrayOutputStream(), (out, chunk) -> append(out, chunk, MAX_MERGED_ANSWER))
				.map((out) -> new EmbeddingMerger.Exchanged(response.status().code(), out.toByteArray(), backend.id())))
			.next()
			.timeout(this.timeouts.total())
			.doOnNext((answer) -> {
				if (answer.status() >= 500) {
					backend.health().failed(false, System.nanoTime());
				}
				else {
					backend.health().succeeded();
				}
			})
			.onErrorResume((ex) -> !(ex instanceof ProxyException), (ex) -> {
				backend.health().failed(refused(ex), System.nanoTime());
				lease.release();
				tried.add(backend);
				logger.debug("A merged embeddings call for request {} failed on {}", context.requestId(), backend, ex);
				RoutingDecision next = (tried.size() > this.retries) ? null
						: context.pool().retry(context.route(), tried);
				if (next == null) {
					return Mono.error(new ProxyException(502, "BadGatewayError",
							"Replica " + backend.id() + " failed to embed: " + describe(ex), null));
				}
				return exchangeWith(body, context, next, tried);
			})
			.doFinally((signal) -> lease.release());
	}

	private Mono<Void> embedLocally(String path, byte[] body, RequestFacts facts, long arrival,
			HttpServerResponse response, EventLoop loop) {
		String target = this.local.names().getFirst();
		this.metrics.started(facts.model(), target);
		return this.local.handle(path, body, response, loop)
			.doOnSuccess((done) -> this.metrics.finished(facts.model(), target, 200,
					Duration.ofNanos(System.nanoTime() - arrival)))
			.doOnError((ex) -> this.metrics.finished(facts.model(), target, statusOf(ex),
					Duration.ofNanos(System.nanoTime() - arrival)));
	}

	private RouteRequest routeRequest(HttpServerRequest request, RequestFacts facts, long[] prefixHashes) {
		HttpHeaders headers = request.requestHeaders();
		String band = headers.get(PRIORITY);
		Priority priority = Priority.parse(band, this.defaultPriority);
		if (priority == null) {
			throw ProxyException.badRequest(
					"Header 'x-priority' must be one of interactive, ide or batch, but was '" + clip(band) + "'.",
					null);
		}
		String tenant = headers.get(TENANT, "");
		if (tenant.length() > MAX_KEY_LENGTH) {
			throw ProxyException.badRequest("Header 'x-tenant' must be at most " + MAX_KEY_LENGTH + " characters.",
					null);
		}
		String session = headers.get(SESSION);
		if (session != null && session.length() > MAX_KEY_LENGTH) {
			throw ProxyException.badRequest("Header 'x-session-id' must be at most " + MAX_KEY_LENGTH + " characters.",
					null);
		}
		return new RouteRequest(priority, tenant, (session != null) ? session : facts.user(), prefixHashes);
	}

	private static String clip(String value) {
		return (value.length() > 40) ? value.substring(0, 40) + "…" : value;
	}

	private Mono<Void> attempt(Call call, RoutingDecision decision) {
		this.metrics.routed(call.pool(), decision);
		Backend backend = decision.backend();
		Lease lease = new Lease(call.pool(), backend);
		Duration overhead = Duration.ofNanos(System.nanoTime() - call.arrival());
		this.metrics.overhead(call.pool(), overhead);

		return connect(call, backend).onErrorMap(BeforeFirstByte::new)
			.flatMap((upstream) -> relay(call, lease, upstream, overhead))
			.onErrorResume(BeforeFirstByte.class, (failure) -> {
				backend.health().failed(refused(failure.getCause()), System.nanoTime());
				lease.release();
				call.tried().add(backend);
				logger.debug("Request {} failed on {} before its first byte", call.requestId(), backend,
						failure.getCause());
				if (call.tried().size() > this.retries) {
					return Mono.error(new ProxyException(502, "BadGatewayError",
							"Replica " + backend.id() + " failed before answering: " + describe(failure.getCause()),
							null));
				}
				RoutingDecision next = call.pool().retry(call.route(), call.tried());
				if (next == null) {
					return Mono.error(new ProxyException(502, "BadGatewayError", "Every replica of pool '"
							+ call.pool().name() + "' failed before answering; tried " + call.tried() + ".", null));
				}
				return attempt(call, next);
			})
			.doOnCancel(() -> {
				backend.health().abandoned();
				if (lease.release()) {
					finish(call, 499);
				}
			});
	}

	private Mono<Upstream> connect(Call call, Backend backend) {
		// Headers go on the request itself: client.headers(...) would copy the client's
		// configuration on every call.
		return this.clients.on(call.loop()).post().uri(backend.endpoint(call.path())).send((request, outbound) -> {
			request.header(HttpHeaderNames.CONTENT_TYPE, "application/json");
			request.header(REQUEST_ID, call.requestId());
			if (call.pool().apiKey() != null) {
				request.header(HttpHeaderNames.AUTHORIZATION, "Bearer " + call.pool().apiKey());
			}
			return outbound.send(Mono.just(Unpooled.wrappedBuffer(call.body())));
		}).responseConnection((upstream, connection) -> Mono.just(new Upstream(upstream, connection))).next();
	}

	private Mono<Void> relay(Call call, Lease lease, Upstream upstream, Duration overhead) {
		Backend backend = lease.backend();
		Connection connection = upstream.connection();
		int status = upstream.response().status().code();
		if (status >= 500) {
			backend.health().failed(false, System.nanoTime());
		}
		else {
			backend.health().succeeded();
		}
		String contentType = upstream.response()
			.responseHeaders()
			.get(HttpHeaderNames.CONTENT_TYPE, "application/json");
		boolean eventStream = contentType.regionMatches(true, 0, "text/event-stream", 0, 17);
		Duration left = this.timeouts.total().minusNanos(System.nanoTime() - call.arrival());
		// Both limits run on the connection's own event loop: Reactor's timeout operators
		// would schedule a task on another thread for every buffer.
		connection.addHandlerLast(IDLE_TIMEOUT,
				new ReadTimeoutHandler(this.timeouts.idle().toNanos(), TimeUnit.NANOSECONDS));
		long declared = eventStream ? -1 : parseLong(upstream.response().responseHeaders().get(CONTENT_LENGTH, ""));
		if (declared >= 0 && declared <= MAX_WHOLE_ANSWER) {
			return relayWhole(call, lease, upstream, status, contentType, overhead, left);
		}
		AtomicBoolean overTime = new AtomicBoolean();
		AtomicBoolean clean = new AtomicBoolean();
		AnswerTap tap = new AnswerTap(eventStream, call.addedUsage());
		Flux<ByteBuf> content = connection.inbound()
			.receive()
			.retain()
			.map((buffer) -> tap.next(buffer, System.nanoTime()))
			.takeUntilOther(deadline(connection.channel().eventLoop(), left, overTime))
			.doOnComplete(() -> clean.set(!overTime.get()))
			.concatWith(Mono.defer(
					() -> overTime.get() ? Mono.error(new TotalTimeout(this.timeouts.total())) : Mono.just(tap.end())))
			.onErrorResume((ex) -> {
				tap.discard();
				return brokenMidway(call, backend, ex, eventStream);
			})
			.filter(ForwardingHandler::readableOrReleased)
			.doFinally((signal) -> settle(call, lease, status, clean.get(), tap, connection, signal));
		return answer(call, status, contentType, backend, overhead).send(content, (buffer) -> true).then();
	}

	private HttpServerResponse answer(Call call, int status, String contentType, Backend backend, Duration overhead) {
		return call.response()
			.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, contentType)
			.header(BACKEND, backend.id())
			.header(OVERHEAD, Double.toString(overhead.toNanos() / 1000 / 1000.0));
	}

	/**
	 * Ends a relayed call however it ended: gives the replica's slot back, records the
	 * answer, and drops a connection whose answer was not read to its end.
	 */
	private void settle(Call call, Lease lease, int status, boolean clean, AnswerTap tap, Connection connection,
			SignalType signal) {
		if (lease.release()) {
			if (status == 200 && clean) {
				this.metrics.answered(call.facts().model(), call.pool().model(), new ProxyMetrics.Answer(call.arrival(),
						tap.firstTokenNanos(), tap.lastChunkNanos(), tap.promptTokens(), tap.completionTokens()));
			}
			// A failed call is counted where the error arrives.
			if (signal != SignalType.ON_ERROR) {
				finish(call, status);
			}
		}
		// A response not read to its end leaves the connection unusable.
		if (!clean && !connection.isDisposed()) {
			connection.dispose();
		}
	}

	/**
	 * Relays a whole answer of known, bounded length as one response written at once,
	 * with its length, rather than as chunks: one write to the caller instead of three.
	 * Nothing has reached the caller when a replica breaks off such an answer, so the
	 * caller gets an error answer rather than a cut connection.
	 */
	private Mono<Void> relayWhole(Call call, Lease lease, Upstream upstream, int status, String contentType,
			Duration overhead, Duration left) {
		Backend backend = lease.backend();
		Connection connection = upstream.connection();
		AtomicBoolean overTime = new AtomicBoolean();
		AtomicBoolean clean = new AtomicBoolean();
		AnswerTap tap = new AnswerTap(false, false);
		return connection.inbound()
			.receive()
			.aggregate()
			.retain()
			.takeUntilOther(deadline(connection.channel().eventLoop(), left, overTime))
			.switchIfEmpty(Mono.defer(() -> overTime.get() ? Mono.error(new TotalTimeout(this.timeouts.total()))
					: Mono.just(Unpooled.EMPTY_BUFFER)))
			.doOnNext((body) -> {
				tap.whole(body, System.nanoTime());
				clean.set(true);
			})
			.onErrorMap((ex) -> !(ex instanceof ProxyException), (ex) -> {
				noteBroken(call, backend, ex);
				return brokenOff(ex, "answer");
			})
			.flatMap((body) -> answer(call, status, contentType, backend, overhead)
				.header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.readableBytes()))
				.send(Mono.just(body))
				.then())
			.doFinally((signal) -> settle(call, lease, status, clean.get(), tap, connection, signal));
	}

	/**
	 * Completes when the call's total time is up, by a timer on the connection's loop.
	 */
	private static Mono<Long> deadline(EventLoop loop, Duration left, AtomicBoolean overTime) {
		return Mono.create((sink) -> {
			ScheduledFuture<?> task = loop.schedule(() -> {
				overTime.set(true);
				sink.success(0L);
			}, Math.max(0, left.toNanos()), TimeUnit.NANOSECONDS);
			sink.onDispose(() -> task.cancel(false));
		});
	}

	private void noteBroken(Call call, Backend backend, Throwable ex) {
		if (!(ex instanceof TotalTimeout)) {
			backend.health().failed(false, System.nanoTime());
		}
		logger.warn("The answer to request {} from {} broke off midway: {}", call.requestId(), backend, describe(ex));
		this.metrics.error(call.facts().model(), call.pool().model(), "stream-broken");
	}

	private Flux<ByteBuf> brokenMidway(Call call, Backend backend, Throwable ex, boolean eventStream) {
		noteBroken(call, backend, ex);
		if (!eventStream) {
			return Flux.error(ex);
		}
		return Flux.just(Unpooled.wrappedBuffer(brokenOff(ex, "stream").event()));
	}

	/**
	 * The error a caller gets for an answer that outlasted the total limit or broke off.
	 */
	private static ProxyException brokenOff(Throwable ex, String what) {
		return (ex instanceof TotalTimeout)
				? new ProxyException(504, "TimeoutError", "The answer was cut off: " + ex.getMessage() + ".", null)
				: new ProxyException(502, "BadGatewayError",
						"The replica's " + what + " broke off midway: " + describe(ex), null);
	}

	/**
	 * Mints a request id. Not a random UUID: that draws on SecureRandom, which costs more
	 * than an id that only has to be unique enough to follow one request through the
	 * logs.
	 */
	private static String newRequestId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return HexFormat.of().toHexDigits(random.nextLong()) + HexFormat.of().toHexDigits(random.nextLong());
	}

	private static boolean refused(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof ConnectException) {
				return true;
			}
		}
		return false;
	}

	private static int statusOf(Throwable ex) {
		return (ex instanceof ProxyException proxy) ? proxy.status() : 500;
	}

	private void finish(Call call, int status) {
		this.metrics.finished(call.facts().model(), call.pool().model(), status,
				Duration.ofNanos(System.nanoTime() - call.arrival()));
	}

	private static String describe(Throwable ex) {
		if (ex instanceof ReadTimeoutException || ex instanceof TimeoutException) {
			return "timed out";
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private static boolean readableOrReleased(ByteBuf buffer) {
		if (buffer.isReadable()) {
			return true;
		}
		buffer.release();
		return false;
	}

	/**
	 * The body as the replica gets it: an alias becomes the pool's model, and a stream
	 * whose client did not ask for usage asks for it, so that tokens can be counted; the
	 * usage event is taken out again on the way back.
	 */
	private static byte[] upstreamBody(byte[] body, RequestFacts facts, String model, boolean addUsage) {
		boolean rename = !facts.model().equals(model);
		if (!rename && !addUsage) {
			return body;
		}
		if (!rename && !facts.streamOptions()) {
			return withUsageOption(body);
		}
		ObjectNode tree = (ObjectNode) JSON.readTree(body);
		tree.put("model", model);
		if (addUsage) {
			JsonNode options = tree.get("stream_options");
			ObjectNode streamOptions = (options instanceof ObjectNode object) ? object
					: tree.putObject("stream_options");
			streamOptions.put("include_usage", true);
		}
		return JSON.writeValueAsBytes(tree);
	}

	/**
	 * Splices {@code "stream_options":{"include_usage":true}} in as the object's first
	 * field, without parsing the body again; the object is known to hold a model field
	 * after it.
	 */
	private static byte[] withUsageOption(byte[] body) {
		int open = 0;
		while (body[open] != '{') {
			open++;
		}
		byte[] spliced = new byte[body.length + USAGE_OPTION.length];
		System.arraycopy(body, 0, spliced, 0, open + 1);
		System.arraycopy(USAGE_OPTION, 0, spliced, open + 1, USAGE_OPTION.length);
		System.arraycopy(body, open + 1, spliced, open + 1 + USAGE_OPTION.length, body.length - open - 1);
		return spliced;
	}

	private static long parseLong(String value) {
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * A replica's slot for one call, given back exactly once however the call ends.
	 */
	private static final class Lease {

		private final Pool pool;

		private final Backend backend;

		private final AtomicBoolean held = new AtomicBoolean(true);

		/** Takes over a slot that admission already took. */
		Lease(Pool pool, Backend backend) {
			this.pool = pool;
			this.backend = backend;
		}

		Backend backend() {
			return this.backend;
		}

		boolean release() {
			if (this.held.compareAndSet(true, false)) {
				this.pool.release(this.backend);
				return true;
			}
			return false;
		}

	}

	private record Call(Pool pool, String path, byte[] body, RequestFacts facts, boolean addedUsage, RouteRequest route,
			String requestId, long arrival, Set<Backend> tried, HttpServerResponse response, EventLoop loop) {
	}

	private record Upstream(HttpClientResponse response, Connection connection) {
	}

	/**
	 * An answer that outlasted {@code proxy.timeouts.total}.
	 */
	private static final class TotalTimeout extends RuntimeException {

		TotalTimeout(Duration limit) {
			super("it took longer than the total limit of " + limit.toMillis() + " ms", null, false, false);
		}

	}

	/**
	 * Marks a failure that happened before the replica's first byte, which another
	 * replica may retry.
	 */
	private static final class BeforeFirstByte extends RuntimeException {

		BeforeFirstByte(Throwable cause) {
			super(cause.getMessage(), cause, false, false);
		}

	}

}
