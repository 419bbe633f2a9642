package dev.devassist.local;

import java.io.IOException;
import java.nio.file.Path;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform on one machine: PostgreSQL and Redis first, then the services, each
 * as a process of its own; stopped in the reverse order.
 * <p>
 * {@link #start()} and {@link #stop()} exclude each other, so a stop that arrives while
 * the platform starts waits for the step in progress, then stops all that started.
 * {@link #awaitReady()} holds no lock, and a stop cuts it short.
 */
final class LocalPlatform implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LocalPlatform.class);

	private static final Duration PORT_CHECK_TIMEOUT = Duration.ofMillis(300);

	private final PlatformSettings settings;

	private final List<ServiceDefinition> definitions;

	private final ConsoleLog console;

	private final PlatformState state;

	private final ReadinessProbe probe = new ReadinessProbe();

	private final Deque<RunningComponent> running = new ArrayDeque<>();

	private final List<ServiceProcess> services = new ArrayList<>();

	private final CountDownLatch stopped = new CountDownLatch(1);

	private final Instant createdAt = Instant.now();

	private volatile boolean stopping;

	LocalPlatform(PlatformSettings settings, List<ServiceDefinition> definitions, PrintStream out) {
		this.settings = settings;
		this.definitions = List.copyOf(definitions);
		this.console = new ConsoleLog(out);
		this.state = new PlatformState(settings, ProcessHandle.current().pid());
	}

	/**
	 * Starts PostgreSQL, Redis and every service whose jar exists. Returns once each
	 * service's process runs; {@link #awaitReady()} waits for them to be ready.
	 * @throws PlatformException when a part cannot start; what did start keeps running
	 * until {@link #stop()}
	 */
	synchronized void start() {
		requireNotStopping();
		this.state.claim();
		createDirectories();
		List<ServiceDefinition> launchable = launchable();
		requireFreePorts(launchable);

		LocalPostgres postgres = register(startStore("PostgreSQL", () -> LocalPostgres.start(this.settings)));
		logger.info("PostgreSQL is ready at {} with its data in {}.", postgres.jdbcUrl(), this.settings.postgresDir());

		LocalRedis redis = register(startStore("Redis", () -> LocalRedis.start(this.settings)));
		logger.info("Redis is ready at {} with its data in {}.", redis.placement().url(), this.settings.redisDir());

		Map<String, String> environment = environment(postgres, redis, this.settings, identityKey());
		for (ServiceDefinition definition : launchable) {
			ServiceProcess service = register(startService(definition, environment));
			this.services.add(service);
			logger.info("Started {} as pid {}; waiting until {} answers 200.", definition.name(),
					service.placement().pid(), definition.readinessUrl());
		}
	}

	/**
	 * Waits until every service answers its readiness check, then marks the platform
	 * ready and prints what runs where.
	 * @throws PlatformException when a service exits or is not ready within the ready
	 * timeout, or the platform stops meanwhile
	 */
	void awaitReady() {
		Instant deadline = Instant.now().plus(this.settings.readyTimeout());
		for (ServiceProcess service : startedServices()) {
			this.probe.awaitReady(service, deadline, () -> this.stopping);
			logger.info("{} is ready at {}.", service.definition().name(), service.definition().url());
		}

		List<Placement> placements;
		synchronized (this) {
			requireNotStopping();
			placements = placements();
			this.state.write(PlatformState.READY, placements);
		}

		this.console.print(StatusTable.render(placements));
		logger.info("The platform is ready after {} s, with its data in {}. Stop it with Ctrl-C or ./devassist down.",
				Duration.between(this.createdAt, Instant.now()).toSeconds(), this.settings.dataDir());
	}

	/**
	 * Blocks until the platform has stopped.
	 * @throws InterruptedException when interrupted while waiting
	 */
	void awaitStopped() throws InterruptedException {
		this.stopped.await();
	}

	boolean isStopping() {
		return this.stopping;
	}

	synchronized List<Placement> placements() {
		return this.running.stream().map(RunningComponent::placement).toList();
	}

	/**
	 * Stops the services in reverse order, then Redis, then PostgreSQL, and deletes the
	 * state files. Safe to call more than once, from any thread.
	 */
	void stop() {
		this.stopping = true;
		synchronized (this) {
			if (this.stopped.getCount() == 0) {
				return;
			}
			if (!this.running.isEmpty()) {
				logger.info("Stopping the platform: {} component(s), in reverse order.", this.running.size());
				this.state.write(PlatformState.STOPPING, placements());
			}
			while (!this.running.isEmpty()) {
				stopQuietly(this.running.removeLast());
				this.state.write(PlatformState.STOPPING, placements());
			}
			this.probe.close();
			this.state.release();
			this.stopped.countDown();
		}
	}

	@Override
	public void close() {
		stop();
	}

	private <C extends RunningComponent> C register(C component) {
		this.running.addLast(component);
		this.state.write(PlatformState.STARTING, placements());
		requireNotStopping();
		return component;
	}

	private synchronized List<ServiceProcess> startedServices() {
		return List.copyOf(this.services);
	}

	private void requireNotStopping() {
		if (this.stopping) {
			throw new PlatformException("The platform is stopping.");
		}
	}

	private void createDirectories() {
		try {
			Files.createDirectories(this.settings.logsDir());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create " + this.settings.logsDir(), ex);
		}
	}

	private List<ServiceDefinition> launchable() {
		List<ServiceDefinition> launchable = new ArrayList<>();
		for (ServiceDefinition definition : this.definitions) {
			if (Files.exists(this.settings.root().resolve(definition.artifact()))) {
				launchable.add(definition);
			}
			else {
				logger.warn("Skipping {}: {} does not exist. Build it with ./mvnw -DskipTests package.",
						definition.name(), this.settings.root().resolve(definition.artifact()));
			}
		}
		return launchable;
	}

	private void requireFreePorts(List<ServiceDefinition> launchable) {
		Map<Integer, String> ports = new LinkedHashMap<>();
		ports.put(this.settings.postgresPort(), "PostgreSQL");
		ports.put(this.settings.redisPort(), "Redis");
		for (ServiceDefinition definition : launchable) {
			String other = ports.putIfAbsent(definition.port(), definition.name());
			if (other != null) {
				throw new PlatformException(
						definition.name() + " and " + other + " both want port " + definition.port());
			}
		}
		ports.forEach((port, name) -> {
			if (isAcceptingConnections(port)) {
				throw new PlatformException("Port " + port + " for " + name + " is taken by another process; stop it,"
						+ " or check with ./devassist status whether the platform already runs.");
			}
		});
	}

	private static boolean isAcceptingConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PORT_CHECK_TIMEOUT.toMillis());
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private <C> C startStore(String name, StoreStart<C> start) {
		try {
			return start.start();
		}
		catch (IOException | RuntimeException ex) {
			throw new PlatformException(
					name + " did not start: " + ex.getMessage() + " (its log is in " + this.settings.logsDir() + ")",
					ex);
		}
	}

	private ServiceProcess startService(ServiceDefinition definition, Map<String, String> environment) {
		try {
			return ServiceProcess.start(definition, this.settings, environment, this.console);
		}
		catch (IOException ex) {
			throw new PlatformException(definition.name() + " did not start: " + ex.getMessage(), ex);
		}
	}

	private Path identityKey() {
		try {
			return new DevIdentity(this.settings.dataDir()).ensureKeys();
		}
		catch (IOException ex) {
			throw new PlatformException("The local signing key cannot be made: " + ex.getMessage(), ex);
		}
	}

	private static Map<String, String> environment(LocalPostgres postgres, LocalRedis redis, PlatformSettings settings,
			Path identityKey) {
		// The console already prefixes each line with the service's name, so the services
		// drop their date, pid and thread from the lines they print; their log files get
		// the same. The gateway signs with the local key and every service trusts it; the
		// repository itself is an allowed root for local git sources, so it can index
		// itself.
		Map<String, String> environment = new LinkedHashMap<>(Map.ofEntries(
				Map.entry("SPRING_DATASOURCE_URL", postgres.jdbcUrl()),
				Map.entry("SPRING_DATASOURCE_USERNAME", LocalPostgres.USER),
				Map.entry("SPRING_DATA_REDIS_HOST", LocalRedis.HOST),
				Map.entry("SPRING_DATA_REDIS_PORT", String.valueOf(redis.port())),
				Map.entry("DEVASSIST_RAG_REDIS_URL", "redis://" + LocalRedis.HOST + ":" + redis.port()),
				Map.entry("DEVASSIST_RAG_DATA_DIRECTORY", settings.dataDir().resolve("data").resolve("rag").toString()),
				Map.entry("DEVASSIST_RAG_INGESTION_ALLOWED_LOCAL_ROOTS", settings.root().toString()),
				Map.entry("DEVASSIST_ASSISTANT_REDIS_URL", "redis://" + LocalRedis.HOST + ":" + redis.port()),
				Map.entry("DEVASSIST_IDENTITY_PUBLIC_KEY_LOCATION", "file:" + identityKey),
				Map.entry("DEVASSIST_GATEWAY_SIGNING_PRIVATE_KEY_LOCATION",
						"file:" + DevIdentity.privateKeyOf(identityKey)),
				Map.entry("LOGGING_PATTERN_CONSOLE", "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n%throwable")));
		environment.putAll(chatModel(System.getenv()));
		return Map.copyOf(environment);
	}

	/**
	 * Where answers come from. With no GPU there is no model to answer, and the
	 * simulator's text means nothing, so by default assistant-service answers
	 * retrieval-only: the passages that match, cited. DEVASSIST_CHAT_URL names an
	 * OpenAI-compatible server (Ollama, vLLM) for the proxy's chat pool, and
	 * DEVASSIST_CHAT_MODEL its model; "simulator" puts the simulator there, for demos of
	 * the streaming path.
	 * @param variables the launcher's environment
	 * @return the services' settings for it
	 */
	static Map<String, String> chatModel(Map<String, String> variables) {
		String url = variables.getOrDefault("DEVASSIST_CHAT_URL", "").strip();
		if (url.isEmpty()) {
			return Map.of("DEVASSIST_ASSISTANT_INFERENCE_URL", "");
		}
		String model = variables.getOrDefault("DEVASSIST_CHAT_MODEL", "").strip();
		if (url.equals("simulator")) {
			return Map.of();
		}
		if (model.isEmpty()) {
			throw new PlatformException("DEVASSIST_CHAT_URL is set, so DEVASSIST_CHAT_MODEL must name its model too.");
		}
		return Map.of("PROXY_POOLS_CHAT_BACKENDS_0_", url, "PROXY_POOLS_CHAT_MODEL", model,
				"DEVASSIST_ASSISTANT_INFERENCE_MODEL", model);
	}

	private static void stopQuietly(RunningComponent component) {
		try {
			component.stop();
		}
		catch (RuntimeException ex) {
			logger.error("Could not stop {} cleanly; going on with the rest.", component.placement().name(), ex);
		}
	}

	/**
	 * Starts a store, which may fail with an {@link IOException}.
	 *
	 * @param <C> the running store
	 */
	@FunctionalInterface
	private interface StoreStart<C> {

		C start() throws IOException;

	}

}
