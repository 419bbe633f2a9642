package dev.devassist.proxy.forwarding;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.devassist.proxy.ProxyProperties;
import dev.devassist.proxy.metrics.ProxyMetrics;
import dev.devassist.proxy.routing.Backend;
import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import dev.devassist.proxy.routing.RoutingDecision;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Forwards {@code /v1/chat/completions}, {@code /v1/completions} and
 * {@code /v1/embeddings} to a replica of the requested model's pool and streams the
 * answer back byte for byte. Only the {@code model}, {@code stream} and {@code user}
 * fields are read; everything else passes through. A call that fails before its first
 * byte is retried on another replica; a stream that breaks later ends with an error event
 * rather than a hang.
 */
public final class ForwardingHandler {

	private static final Logger logger = LoggerFactory.getLogger(ForwardingHandler.class);

	private static final String REQUEST_ID = "x-request-id";

	private static final String BACKEND = "x-devassist-backend";

	private static final String OVERHEAD = "x-devassist-proxy-overhead-ms";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final PoolRegistry pools;

	private final HttpClient client;

	private final ProxyProperties.Timeouts timeouts;

	private final int retries;

	private final int maxRequestBytes;

	private final ProxyMetrics metrics;

	private final NettyDataBufferFactory buffers = new NettyDataBufferFactory(ByteBufAllocator.DEFAULT);

	public ForwardingHandler(PoolRegistry pools, HttpClient client, ProxyProperties properties, ProxyMetrics metrics) {
		this.pools = pools;
		this.client = client;
		this.timeouts = properties.timeouts();
		this.retries = properties.retries();
		this.maxRequestBytes = (int) Math.min(Integer.MAX_VALUE, properties.maxRequestSize().toBytes());
		this.metrics = metrics;
	}

	/**
	 * Handles one request.
	 * @param request the request
	 * @return the response, streamed from the replica
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		long arrival = System.nanoTime();
		String requestId = request.headers().firstHeader(REQUEST_ID);
		String id = (requestId != null && !requestId.isBlank() && requestId.length() <= 128) ? requestId
				: UUID.randomUUID().toString();
		return DataBufferUtils.join(request.bodyToFlux(DataBuffer.class), this.maxRequestBytes)
			.map(ForwardingHandler::bytes)
			.defaultIfEmpty(new byte[0])
			.onErrorMap(DataBufferLimitException.class,
					(ex) -> new ProxyException(413, "RequestEntityTooLarge",
							"The request body is larger than the limit of " + this.maxRequestBytes + " bytes.", null))
			.flatMap((body) -> forward(request.path(), body, id, arrival));
	}

	private Mono<ServerResponse> forward(String path, byte[] body, String requestId, long arrival) {
		RequestFacts facts = RequestFacts.read(body);
		Pool pool = this.pools.forModel(facts.model()).orElseThrow(() -> {
			this.metrics.error(facts.model(), "", "404");
			return new ProxyException(404, "NotFoundError", "The model `" + facts.model() + "` does not exist.",
					"model");
		});
		byte[] upstreamBody = facts.model().equals(pool.model()) ? body : withModel(body, pool.model());
		Call call = new Call(pool, path, upstreamBody, facts, requestId, arrival, new HashSet<>());
		this.metrics.started(facts.model(), pool.model());
		return attempt(call).doOnError((ex) -> finish(call, statusOf(ex)));
	}

	private Mono<ServerResponse> attempt(Call call) {
		RoutingDecision decision = call.pool().choose(call.tried());
		if (decision == null) {
			return Mono.error(call.tried().isEmpty()
					? new ProxyException(503, "ServiceUnavailableError",
							"No replica of pool '" + call.pool().name() + "' is available.", null)
					: new ProxyException(502, "BadGatewayError", "Every replica of pool '" + call.pool().name()
							+ "' failed before answering; tried " + call.tried() + ".", null));
		}
		this.metrics.routed(call.pool(), decision);
		Backend backend = decision.backend();
		Lease lease = new Lease(backend);
		Duration overhead = Duration.ofNanos(System.nanoTime() - call.arrival());
		this.metrics.overhead(call.pool(), overhead);

		return this.client.headers((headers) -> {
			headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
			headers.set(REQUEST_ID, call.requestId());
			if (call.pool().apiKey() != null) {
				headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + call.pool().apiKey());
			}
		})
			.post()
			.uri(backend.url().resolve(call.path()).toString())
			.send(Mono.just(Unpooled.wrappedBuffer(call.body())))
			.responseConnection((response, connection) -> Mono.just(new Upstream(response, connection)))
			.next()
			.flatMap((upstream) -> respond(call, lease, upstream, overhead))
			.doOnCancel(() -> {
				lease.release();
				finish(call, 499);
			})
			.onErrorResume(ForwardingHandler::beforeFirstByte, (ex) -> {
				lease.release();
				call.tried().add(backend);
				logger.debug("Request {} failed on {} before its first byte; trying another replica", call.requestId(),
						backend, ex);
				if (call.tried().size() > this.retries) {
					return Mono.error(new ProxyException(502, "BadGatewayError",
							"Replica " + backend.id() + " failed before answering: " + describe(ex), null));
				}
				return attempt(call);
			});
	}

	private Mono<ServerResponse> respond(Call call, Lease lease, Upstream upstream, Duration overhead) {
		Backend backend = lease.backend();
		HttpClientResponse response = upstream.response();
		Connection connection = upstream.connection();
		int status = response.status().code();
		String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
		boolean eventStream = contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
		Flux<DataBuffer> content = connection.inbound()
			.receive()
			.retain()
			.timeout(this.timeouts.idle())
			.map(this.buffers::wrap)
			.cast(DataBuffer.class)
			.onErrorResume((ex) -> brokenMidway(call, backend, ex, eventStream))
			.doFinally((signal) -> {
				if (lease.release()) {
					finish(call, status);
				}
				if (!connection.isDisposed() && signal != SignalType.ON_COMPLETE) {
					connection.dispose();
				}
			});
		return ServerResponse.status(status)
			.header(HttpHeaders.CONTENT_TYPE, contentType)
			.header(REQUEST_ID, call.requestId())
			.header(BACKEND, backend.id())
			.header(OVERHEAD, String.format(Locale.ROOT, "%.3f", overhead.toNanos() / 1e6))
			.build((exchange, context) -> exchange.getResponse().writeAndFlushWith(content.map(Mono::just)));
	}

	private Flux<DataBuffer> brokenMidway(Call call, Backend backend, Throwable ex, boolean eventStream) {
		logger.warn("The answer to request {} from {} broke off midway: {}", call.requestId(), backend, describe(ex));
		this.metrics.error(call.facts().model(), call.pool().model(), "stream-broken");
		if (!eventStream) {
			return Flux.error(ex);
		}
		ProxyException error = new ProxyException(502, "BadGatewayError",
				"The replica's stream broke off midway: " + describe(ex), null);
		return Flux.just(this.buffers.wrap(error.event()));
	}

	private void finish(Call call, int status) {
		this.metrics.finished(call.facts().model(), call.pool().model(), status,
				Duration.ofNanos(System.nanoTime() - call.arrival()));
	}

	/**
	 * Whether a failure of the call chain happened before the replica's first byte: once
	 * the response's headers arrive the chain has completed, so every failure it sees
	 * except the proxy's own refusals is one.
	 */
	private static boolean beforeFirstByte(Throwable ex) {
		return !(ex instanceof ProxyException);
	}

	private static int statusOf(Throwable ex) {
		return (ex instanceof ProxyException proxy) ? proxy.status() : 500;
	}

	private static String describe(Throwable ex) {
		if (ex instanceof ReadTimeoutException || ex instanceof TimeoutException) {
			return "timed out";
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private static byte[] withModel(byte[] body, String model) {
		ObjectNode tree = (ObjectNode) JSON.readTree(body);
		tree.put("model", model);
		return JSON.writeValueAsBytes(tree);
	}

	private static byte[] bytes(DataBuffer buffer) {
		byte[] bytes = new byte[buffer.readableByteCount()];
		buffer.read(bytes);
		DataBufferUtils.release(buffer);
		return bytes;
	}

	private record Call(Pool pool, String path, byte[] body, RequestFacts facts, String requestId, long arrival,
			Set<Backend> tried) {
	}

	/**
	 * A replica's slot for one call, given back exactly once however the call ends.
	 */
	private static final class Lease {

		private final Backend backend;

		private final AtomicBoolean held = new AtomicBoolean(true);

		Lease(Backend backend) {
			this.backend = backend;
			backend.acquire();
		}

		Backend backend() {
			return this.backend;
		}

		boolean release() {
			if (this.held.compareAndSet(true, false)) {
				this.backend.release();
				return true;
			}
			return false;
		}

	}

	private record Upstream(HttpClientResponse response, Connection connection) {
	}

}
