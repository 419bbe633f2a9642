package dev.devassist.proxy.forwarding;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.context.SmartLifecycle;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

/**
 * The proxy's HTTP server, on Reactor Netty directly: the {@code /v1} API is handled here
 * with nothing between the socket and the forwarding code, and every other path
 * (actuator's health and metrics) goes to Spring WebFlux's handler in the same server. On
 * shutdown it stops taking API requests, waits for those in flight, streams included, up
 * to the drain timeout, and only then closes.
 */
public final class ProxyServer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ProxyServer.class);

	private static final String CHAT = "/v1/chat/completions";

	private static final String COMPLETIONS = "/v1/completions";

	private static final String EMBEDDINGS = "/v1/embeddings";

	private static final String MODELS = "/v1/models";

	private final String host;

	private final int port;

	private final Duration drainTimeout;

	private final ForwardingHandler forwarding;

	private final ModelsHandler models;

	private final ServiceToken token;

	private final HttpHandler webflux;

	private final MeterRegistry meters;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean draining;

	private volatile @Nullable DisposableServer server;

	/**
	 * Creates the server; it listens once started.
	 * @param host address to listen on
	 * @param port port to listen on, or 0 for any free one
	 * @param drainTimeout how long shutdown waits for requests in flight
	 * @param forwarding the API's forwarding
	 * @param models the model list
	 * @param serviceToken the token callers must present, or null
	 * @param webflux Spring's handler for every other path
	 * @param meters where request timings are recorded
	 */
	public ProxyServer(String host, int port, Duration drainTimeout, ForwardingHandler forwarding, ModelsHandler models,
			@Nullable String serviceToken, HttpHandler webflux, MeterRegistry meters) {
		this.host = host;
		this.port = port;
		this.drainTimeout = drainTimeout;
		this.forwarding = forwarding;
		this.models = models;
		this.token = new ServiceToken(serviceToken);
		this.webflux = webflux;
		this.meters = meters;
	}

	/**
	 * The port the server listens on.
	 * @return the port, or -1 when not listening
	 */
	public int port() {
		DisposableServer current = this.server;
		return (current != null) ? current.port() : -1;
	}

	@Override
	public void start() {
		ReactorHttpHandlerAdapter others = new ReactorHttpHandlerAdapter(this.webflux);
		BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> chat = api(CHAT,
				(request, response) -> this.forwarding.handle(request, response, CHAT));
		BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> completions = api(COMPLETIONS,
				(request, response) -> this.forwarding.handle(request, response, COMPLETIONS));
		BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> embeddings = api(EMBEDDINGS,
				(request, response) -> this.forwarding.handle(request, response, EMBEDDINGS));
		BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> models = api(MODELS, this.models::handle);
		// Dispatched on the raw path rather than through the routes DSL, which matches
		// every
		// route's template against the decoded path of each request.
		this.server = HttpServer.create().host(this.host).port(this.port).handle((request, response) -> {
			boolean post = HttpMethod.POST.equals(request.method());
			return switch (rawPath(request.uri())) {
				case CHAT -> post ? chat.apply(request, response) : others.apply(request, response);
				case COMPLETIONS -> post ? completions.apply(request, response) : others.apply(request, response);
				case EMBEDDINGS -> post ? embeddings.apply(request, response) : others.apply(request, response);
				case MODELS -> HttpMethod.GET.equals(request.method()) ? models.apply(request, response)
						: others.apply(request, response);
				default -> others.apply(request, response);
			};
		}).bindNow(Duration.ofSeconds(10));
		Thread.ofPlatform().name("proxy-server-await").daemon(false).start(this::awaitStop);
		logger.info("Inference proxy listening on http://{}:{}", this.host, port());
	}

	@Override
	public void stop() {
		this.draining = true;
		long deadline = System.nanoTime() + this.drainTimeout.toNanos();
		logger.info("Draining {} requests in flight before shutdown, for at most {}", this.inFlight.get(),
				this.drainTimeout);
		while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
			try {
				TimeUnit.MILLISECONDS.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		if (this.inFlight.get() > 0) {
			logger.warn("Closing with {} requests still in flight after the drain timeout", this.inFlight.get());
		}
		DisposableServer current = this.server;
		this.server = null;
		if (current != null) {
			current.disposeNow(Duration.ofSeconds(5));
		}
		this.stopped.countDown();
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> api(String uri,
			BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
		return (request, response) -> {
			long start = System.nanoTime();
			this.inFlight.incrementAndGet();
			return Mono.defer(() -> {
				if (this.draining) {
					return error(response,
							new ProxyException(503, "ServiceUnavailableError", "The proxy is shutting down.", null));
				}
				if (!this.token.admits(request)) {
					return error(response, new ProxyException(401, "AuthenticationError",
							"A valid service token is required: send 'Authorization: Bearer <token>'.", null));
				}
				return handler.apply(request, response);
			})
				.onErrorResume(ProxyException.class,
						(ex) -> response.hasSentHeaders() ? Mono.error(ex) : error(response, ex))
				.onErrorResume((ex) -> !response.hasSentHeaders(), (ex) -> {
					logger.error("Request to {} failed unexpectedly; answering 500", uri, ex);
					return error(response, new ProxyException(500, "InternalServerError",
							"The proxy failed to handle the request.", null));
				})
				.doFinally((signal) -> {
					this.inFlight.decrementAndGet();
					record(request, response, uri, start);
				});
		};
	}

	/** The path of a request target, without its query or fragment. */
	static String rawPath(String uri) {
		int end = uri.length();
		for (int i = 0; i < uri.length(); i++) {
			char c = uri.charAt(i);
			if (c == '?' || c == '#') {
				end = i;
				break;
			}
		}
		return uri.substring(0, end);
	}

	private static Mono<Void> error(HttpServerResponse response, ProxyException error) {
		byte[] body = error.body();
		if (error.retryAfterSeconds() > 0) {
			response.header(HttpHeaderNames.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
		}
		return response.status(error.status())
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
			.sendByteArray(Mono.just(body))
			.then();
	}

	private void record(HttpServerRequest request, HttpServerResponse response, String uri, long start) {
		int status = response.status().code();
		String method = request.method().name();
		this.timers.computeIfAbsent(new TimerKey(method, uri, status), (key) -> timer(method, uri, status))
			.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
	}

	private Timer timer(String method, String uri, int status) {
		return Timer.builder("http.server.requests")
			.description("Duration of HTTP server request handling")
			.tag("method", method)
			.tag("uri", uri)
			.tag("status", String.valueOf(status))
			.tag("outcome", (status >= 500) ? "SERVER_ERROR" : (status >= 400) ? "CLIENT_ERROR" : "SUCCESS")
			.tag("exception", "none")
			.publishPercentileHistogram()
			.register(this.meters);
	}

	private void awaitStop() {
		try {
			this.stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private record TimerKey(String method, String uri, int status) {
	}

}
