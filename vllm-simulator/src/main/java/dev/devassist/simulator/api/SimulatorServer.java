package dev.devassist.simulator.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import dev.devassist.simulator.SimulatorProperties;
import dev.devassist.simulator.engine.Engine;
import dev.devassist.simulator.faults.FaultSettings;
import dev.devassist.simulator.faults.Faults;
import dev.devassist.simulator.generation.ResponsePlanner;
import dev.devassist.simulator.metrics.VllmMetrics;
import dev.devassist.simulator.tokens.ChatTemplate;
import dev.devassist.simulator.tokens.Tokenizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import org.springframework.context.SmartLifecycle;

/**
 * The simulator's HTTP server, on Reactor Netty: vLLM's OpenAI-compatible endpoints,
 * {@code /health}, {@code /version}, {@code /metrics}, and {@code /admin/faults} to
 * change the injected faults at run time. On shutdown it stops taking requests, waits for
 * those in flight (streams included) up to the drain timeout, and only then closes.
 */
public final class SimulatorServer implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(SimulatorServer.class);

	private static final String VLLM_VERSION = "0.11.0";

	private static final String REQUEST_ID = "x-request-id";

	private final SimulatorProperties properties;

	private final Faults faults;

	private final Engine engine;

	private final PrometheusRegistry prometheus;

	private final MeterRegistry meters;

	private final ModelCatalog catalog;

	private final ChatCompletionsHandler chat;

	private final CompletionsHandler completions;

	private final EmbeddingsHandler embeddings;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final byte @Nullable [] apiKeyDigest;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean draining;

	private volatile @Nullable DisposableServer server;

	/**
	 * Creates the server; it listens once started.
	 * @param properties the configuration
	 * @param engine the engine that runs generation requests
	 * @param planner decides what each choice says
	 * @param metrics the engine's metrics
	 * @param faults the faults in force
	 * @param prometheus the registry {@code /metrics} exposes
	 * @param meters where HTTP request timings are recorded
	 */
	public SimulatorServer(SimulatorProperties properties, Engine engine, ResponsePlanner planner, VllmMetrics metrics,
			Faults faults, PrometheusRegistry prometheus, MeterRegistry meters) {
		this.properties = properties;
		this.faults = faults;
		this.engine = engine;
		this.prometheus = prometheus;
		this.meters = meters;
		List<String> names = new ArrayList<>();
		names.add(properties.model());
		names.addAll(properties.modelAliases());
		this.catalog = new ModelCatalog(names, properties.embeddingModel(), properties.maxModelLen(),
				System.currentTimeMillis() / 1000);
		Tokenizer tokenizer = new Tokenizer();
		ChatTemplate template = new ChatTemplate(tokenizer);
		GenerationRunner runner = new GenerationRunner(engine);
		int blockSize = properties.blockSize();
		this.chat = new ChatCompletionsHandler(this.catalog, template, planner, runner, faults, blockSize);
		this.completions = new CompletionsHandler(this.catalog, template, planner, runner, faults, blockSize);
		this.embeddings = new EmbeddingsHandler(this.catalog, tokenizer, metrics, properties.embeddingDimension());
		this.apiKeyDigest = (properties.apiKey() != null && !properties.apiKey().isEmpty())
				? digest("Bearer " + properties.apiKey()) : null;
	}

	/**
	 * The port the server listens on, useful when configured as 0.
	 * @return the port, or -1 when not listening
	 */
	public int port() {
		DisposableServer current = this.server;
		return (current != null) ? current.port() : -1;
	}

	@Override
	public void start() {
		bind(this.properties.port());
		keepAlive();
		long refuseMs = this.faults.settings().refuseConnectionsMs();
		if (refuseMs > 0) {
			refuseConnectionsFor(Duration.ofMillis(refuseMs));
		}
		logger.info("vLLM simulator serving {} and {} on http://{}:{}", this.catalog.generationNames(),
				this.catalog.embeddingName(), this.properties.host(), port());
	}

	@Override
	public void stop() {
		this.draining = true;
		long deadline = System.nanoTime() + this.properties.drainTimeout().toNanos();
		logger.info("Draining {} requests in flight before shutdown, for at most {}", this.inFlight.get(),
				this.properties.drainTimeout());
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
		unbind();
		this.stopped.countDown();
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/**
	 * Holds the JVM open while the server runs: Netty's threads are daemons, and no web
	 * server of Spring Boot's is there to do it.
	 */
	private void keepAlive() {
		Thread.ofPlatform().name("sim-server-await").daemon(false).start(() -> {
			try {
				this.stopped.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	private synchronized void bind(int port) {
		if (this.server != null) {
			return;
		}
		this.server = HttpServer.create()
			.host(this.properties.host())
			.port(port)
			.route(this::routes)
			.bindNow(Duration.ofSeconds(10));
	}

	private synchronized void unbind() {
		DisposableServer current = this.server;
		this.server = null;
		if (current != null) {
			current.disposeNow(Duration.ofSeconds(5));
		}
	}

	private void routes(HttpServerRoutes routes) {
		routes.post("/v1/chat/completions", api("/v1/chat/completions", this.chat, true))
			.post("/v1/completions", api("/v1/completions", this.completions, true))
			.post("/v1/embeddings", api("/v1/embeddings", this.embeddings, true))
			.get("/v1/models", timed("/v1/models", this::models))
			.get("/health", timed("/health", this::health))
			.get("/version",
					timed("/version", (request, response) -> Responses.json(response, 200, Json.write((json) -> {
						json.writeStartObject();
						json.writeStringProperty("version", VLLM_VERSION);
						json.writeEndObject();
					}))))
			.get("/metrics", timed("/metrics", this::metrics))
			.get("/admin/faults", admin("/admin/faults", (request, response) -> faultsBody(response)))
			.put("/admin/faults", admin("/admin/faults", this::replaceFaults))
			.delete("/admin/faults", admin("/admin/faults", (request, response) -> {
				this.faults.apply(FaultSettings.NONE);
				logger.info("Fault injection cleared");
				return faultsBody(response);
			}))
			.route((request) -> true, timed("/**", (request, response) -> Responses.json(response, 404,
					"{\"detail\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8))));
	}

	private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> api(String uri, ApiHandler handler,
			boolean faultable) {
		return timed(uri, (request, response) -> {
			if (!authorized(request)) {
				return unauthorized(response);
			}
			if (this.draining || !this.faults.ready()) {
				return Responses.error(response,
						new ApiException(503, "ServiceUnavailableError", "The server is not ready.", null));
			}
			return readBody(request).flatMap((body) -> {
				FaultSettings settings = this.faults.settings();
				if (faultable && settings.hang()) {
					return Mono.never();
				}
				int status = faultable ? this.faults.drawError() : 0;
				if (status > 0) {
					return injectedError(response, status);
				}
				Mono<Void> work = Mono.defer(() -> handler.handle(JsonFields.parse(body), response));
				if (faultable && settings.extraLatencyMs() > 0) {
					return Mono.delay(Duration.ofMillis(settings.extraLatencyMs())).then(work);
				}
				return work;
			});
		});
	}

	private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> admin(String uri,
			BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
		return timed(uri,
				(request, response) -> authorized(request) ? handler.apply(request, response) : unauthorized(response));
	}

	private BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> timed(String uri,
			BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
		return (request, response) -> {
			long start = System.nanoTime();
			this.inFlight.incrementAndGet();
			String requestId = request.requestHeaders().get(REQUEST_ID);
			if (requestId != null && requestId.length() <= 128) {
				response.header(REQUEST_ID, requestId);
			}
			return Mono.defer(() -> handler.apply(request, response))
				.onErrorResume(ApiException.class, (ex) -> Responses.error(response, ex))
				.onErrorResume((ex) -> !(ex instanceof Responses.StreamCutException) && !response.hasSentHeaders(),
						(ex) -> {
							logger.error("Request {} to {} failed unexpectedly; answering 500", requestId, uri, ex);
							return Responses.error(response, new ApiException(500, "InternalServerError",
									"The simulator failed to handle the request.", null));
						})
				.doFinally((signal) -> {
					this.inFlight.decrementAndGet();
					Timer.builder("http.server.requests")
						.description("Duration of HTTP server request handling")
						.tag("method", request.method().name())
						.tag("uri", uri)
						.tag("status", String.valueOf(response.status().code()))
						.tag("outcome", outcome(response.status().code()))
						.publishPercentileHistogram()
						.register(this.meters)
						.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
				});
		};
	}

	private Mono<byte[]> readBody(HttpServerRequest request) {
		long limit = this.properties.maxRequestSize().toBytes();
		String declared = request.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
		if (declared != null && parseLong(declared) > limit) {
			return Mono.error(tooLarge(limit));
		}
		return request.receive()
			.reduce(new ByteArrayOutputStream(), (out, chunk) -> append(out, chunk, limit))
			.map(ByteArrayOutputStream::toByteArray)
			.defaultIfEmpty(new byte[0]);
	}

	private static ByteArrayOutputStream append(ByteArrayOutputStream out, ByteBuf chunk, long limit) {
		if (out.size() + (long) chunk.readableBytes() > limit) {
			throw tooLarge(limit);
		}
		try {
			chunk.readBytes(out, chunk.readableBytes());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot copy the request body", ex);
		}
		return out;
	}

	private static ApiException tooLarge(long limit) {
		return new ApiException(413, "RequestEntityTooLarge",
				"The request body is larger than the limit of " + limit + " bytes.", null);
	}

	private Mono<Void> health(HttpServerRequest request, HttpServerResponse response) {
		int status = (this.draining || !this.faults.ready() || !this.engine.alive()) ? 503 : 200;
		return response.status(status).header(HttpHeaderNames.CONTENT_LENGTH, "0").send();
	}

	private Mono<Void> models(HttpServerRequest request, HttpServerResponse response) {
		if (!authorized(request)) {
			return unauthorized(response);
		}
		return Responses.json(response, 200, Json.write((json) -> {
			json.writeStartObject();
			json.writeStringProperty("object", "list");
			json.writeArrayPropertyStart("data");
			for (String name : this.catalog.allNames()) {
				json.writeStartObject();
				json.writeStringProperty("id", name);
				json.writeStringProperty("object", "model");
				json.writeNumberProperty("created", this.catalog.created());
				json.writeStringProperty("owned_by", "vllm");
				json.writeStringProperty("root", this.catalog.rootOf(name));
				json.writeNullProperty("parent");
				json.writeNumberProperty("max_model_len", this.catalog.maxModelLen());
				json.writeArrayPropertyStart("permission");
				json.writeStartObject();
				json.writeStringProperty("id", Ids.next("modelperm-"));
				json.writeStringProperty("object", "model_permission");
				json.writeNumberProperty("created", this.catalog.created());
				json.writeBooleanProperty("allow_create_engine", false);
				json.writeBooleanProperty("allow_sampling", true);
				json.writeBooleanProperty("allow_logprobs", true);
				json.writeBooleanProperty("allow_search_indices", false);
				json.writeBooleanProperty("allow_view", true);
				json.writeBooleanProperty("allow_fine_tuning", false);
				json.writeStringProperty("organization", "*");
				json.writeNullProperty("group");
				json.writeBooleanProperty("is_blocking", false);
				json.writeEndObject();
				json.writeEndArray();
				json.writeEndObject();
			}
			json.writeEndArray();
			json.writeEndObject();
		}));
	}

	private Mono<Void> metrics(HttpServerRequest request, HttpServerResponse response) {
		return Mono.fromCallable(() -> {
			ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
			PrometheusTextFormatWriter.create().write(out, this.prometheus.scrape());
			return out.toByteArray();
		})
			.flatMap((body) -> response.status(200)
				.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
				.sendByteArray(Mono.just(body))
				.then());
	}

	private Mono<Void> replaceFaults(HttpServerRequest request, HttpServerResponse response) {
		return readBody(request).flatMap((body) -> {
			FaultSettings next;
			try {
				next = Json.MAPPER.readerFor(FaultSettings.class)
					.without(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
					.with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
					.readValue(body);
			}
			catch (RuntimeException ex) {
				throw ApiException.badRequest("The fault settings are not valid JSON of the documented shape: "
						+ ex.getMessage().lines().findFirst().orElse(""), null);
			}
			List<String> violations = next.violations();
			if (!violations.isEmpty()) {
				throw ApiException.badRequest(String.join("; ", violations), null);
			}
			this.faults.apply(next);
			logger.info("Fault injection set to {}", next);
			if (next.refuseConnectionsMs() > 0) {
				refuseConnectionsFor(Duration.ofMillis(next.refuseConnectionsMs()));
			}
			return faultsBody(response);
		});
	}

	private void refuseConnectionsFor(Duration duration) {
		int port = port();
		Mono.delay(Duration.ofMillis(50)).publishOn(Schedulers.boundedElastic()).subscribe((tick) -> {
			logger.info("Refusing connections on port {} for {}", port, duration);
			unbind();
			Mono.delay(duration).publishOn(Schedulers.boundedElastic()).subscribe((again) -> {
				if (!this.draining) {
					bind(port);
					logger.info("Accepting connections on port {} again", port);
				}
			});
		});
	}

	private Mono<Void> faultsBody(HttpServerResponse response) {
		return Responses.json(response, 200, Json.MAPPER.writeValueAsBytes(this.faults.settings()));
	}

	private Mono<Void> injectedError(HttpServerResponse response, int status) {
		String type = switch (status) {
			case 400 -> "BadRequestError";
			case 404 -> "NotFoundError";
			case 429 -> "RateLimitError";
			case 503 -> "ServiceUnavailableError";
			default -> "InternalServerError";
		};
		if (status == 429 || status == 503) {
			response.header(HttpHeaderNames.RETRY_AFTER, "1");
		}
		return Responses.error(response, new ApiException(status, type, "Injected fault: HTTP " + status, null));
	}

	private boolean authorized(HttpServerRequest request) {
		if (this.apiKeyDigest == null) {
			return true;
		}
		String header = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
		return header != null && MessageDigest.isEqual(this.apiKeyDigest, digest(header));
	}

	private static Mono<Void> unauthorized(HttpServerResponse response) {
		return Responses.json(response, 401, "{\"error\":\"Unauthorized\"}".getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] digest(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static long parseLong(String value) {
		try {
			return Long.parseLong(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static String outcome(int status) {
		if (status >= 500) {
			return "SERVER_ERROR";
		}
		if (status >= 400) {
			return "CLIENT_ERROR";
		}
		return "SUCCESS";
	}

}
