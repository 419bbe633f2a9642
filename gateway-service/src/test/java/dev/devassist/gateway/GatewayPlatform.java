package dev.devassist.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.devassist.testsupport.ServiceProcesses;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real servers the gateway's integration tests run against, started once per test
 * JVM: embedded PostgreSQL and Redis, and rag-service and assistant-service from their
 * jars (with no model server, and no inference proxy for embeddings), trusting a key pair
 * made for the run whose private half the gateway signs with. Gateways are started in
 * this JVM, on free ports, with whatever settings a test needs.
 */
final class GatewayPlatform {

	private static final Path RAG_JAR = Path.of("..", "rag-service", "target", "rag-service.jar");

	private static final Path ASSISTANT_JAR = Path.of("..", "assistant-service", "target", "assistant-service.jar");

	private static final Path SIMULATOR_JAR = Path.of("..", "vllm-simulator", "target", "vllm-simulator.jar");

	private static final Path PROXY_JAR = Path.of("..", "inference-proxy", "target", "inference-proxy.jar");

	/** The first admin's password in every gateway started here. */
	static final String ADMIN_PASSWORD = "correct horse battery staple";

	private static GatewayPlatform instance;

	private final EmbeddedPostgres postgres;

	private final RedisServer redis;

	private final int redisPort;

	private final KeyPair keys;

	private final int ragPort;

	private final int assistantPort;

	private final List<Process> processes = new ArrayList<>();

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	private ModelStack models;

	private GatewayPlatform() throws Exception {
		Path logs = Files.createDirectories(Path.of("target", "it-logs"));
		this.postgres = EmbeddedPostgres.builder().start();
		this.redisPort = freePort();
		this.redis = new RedisServer(this.redisPort);
		this.redis.start();
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		this.keys = generator.generateKeyPair();
		Runtime.getRuntime().addShutdownHook(new Thread(this::stop));

		this.ragPort = freePort();
		this.processes
			.add(ServiceProcesses.startJar(RAG_JAR, logs.resolve("rag-service.log"), "--server.port=" + this.ragPort,
					"--spring.datasource.url=" + jdbcUrl(), "--spring.datasource.username=postgres",
					"--devassist.rag.redis.url=redis://127.0.0.1:" + this.redisPort,
					"--devassist.rag.embedding.proxy-url=http://127.0.0.1:" + freePort(),
					"--devassist.rag.data-directory=" + Files.createTempDirectory("gateway-it-rag"),
					"--devassist.identity.public-key=" + publicKeyPem()));
		// No model server: assistant-service answers retrieval-only, which is enough to
		// see
		// its streams pass through the gateway.
		this.assistantPort = freePort();
		this.processes.add(ServiceProcesses.startJar(ASSISTANT_JAR, logs.resolve("assistant-service.log"),
				"--server.port=" + this.assistantPort, "--spring.datasource.url=" + jdbcUrl(),
				"--spring.datasource.username=postgres",
				"--devassist.assistant.redis.url=redis://127.0.0.1:" + this.redisPort,
				"--devassist.assistant.rag.url=http://127.0.0.1:" + this.ragPort,
				"--devassist.assistant.inference.url=", "--devassist.identity.public-key=" + publicKeyPem()));
		awaitReady(URI.create("http://127.0.0.1:" + this.ragPort + "/actuator/health/readiness"));
		awaitReady(URI.create("http://127.0.0.1:" + this.assistantPort + "/actuator/health/readiness"));
	}

	static synchronized GatewayPlatform get() {
		if (instance == null) {
			try {
				instance = new GatewayPlatform();
			}
			catch (Exception ex) {
				throw new IllegalStateException("The test platform cannot start: " + ex.getMessage(), ex);
			}
		}
		return instance;
	}

	/**
	 * Starts a gateway in this JVM in front of rag-service, with assistant-service's
	 * route pointing at a port where nothing listens.
	 * @param extra more {@code --key=value} arguments, which replace defaults of the same
	 * name
	 * @return the gateway's base URL
	 */
	synchronized String startGateway(String... extra) {
		Map<String, String> byName = new LinkedHashMap<>();
		List<String> defaults = List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--spring.datasource.url=" + jdbcUrl(), "--spring.datasource.username=postgres",
				"--spring.data.redis.url=redis://127.0.0.1:" + this.redisPort,
				"--devassist.gateway.routes.rag-url=http://127.0.0.1:" + this.ragPort,
				"--devassist.gateway.routes.assistant-url=http://127.0.0.1:" + this.assistantPort,
				"--devassist.gateway.signing.private-key=" + pem("PRIVATE KEY", this.keys.getPrivate().getEncoded()),
				"--devassist.identity.public-key=" + publicKeyPem(),
				"--devassist.gateway.bootstrap.admin-password=" + ADMIN_PASSWORD, "--logging.level.root=WARN");
		for (String argument : defaults) {
			byName.put(argument.substring(0, argument.indexOf('=')), argument);
		}
		for (String argument : extra) {
			byName.put(argument.substring(0, argument.indexOf('=')), argument);
		}
		ConfigurableApplicationContext context = SpringApplication.run(GatewayServiceApplication.class,
				byName.values().toArray(String[]::new));
		this.gateways.add(context);
		return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	/**
	 * Services that answer with a model, started on first use: the vLLM simulator (with
	 * this module's answer script) behind the inference proxy, and a rag-service and an
	 * assistant-service of their own that embed and answer through it. They keep their
	 * data in a database and a Redis database of their own, so the other tests' services
	 * never see their sources, jobs or conversations.
	 * @return where they listen
	 */
	synchronized ModelStack models() {
		if (this.models != null) {
			return this.models;
		}
		try {
			Path logs = Path.of("target", "it-logs");
			try (var connection = this.postgres.getPostgresDatabase().getConnection();
					var statement = connection.createStatement()) {
				statement.execute("create database models");
			}
			String jdbc = this.postgres.getJdbcUrl("postgres", "models");
			String redisUrl = "redis://127.0.0.1:" + this.redisPort + "/1";
			Path script = Path.of("src", "test", "resources", "simulator-script.json").toAbsolutePath();
			int simulatorPort = freePort();
			this.processes.add(ServiceProcesses.startJar(SIMULATOR_JAR, logs.resolve("simulator.log"),
					"--simulator.port=" + simulatorPort, "--simulator.host=127.0.0.1", "--simulator.script=" + script,
					"--simulator.latency.base=20ms"));
			int proxyPort = freePort();
			this.processes
				.add(ServiceProcesses.startJar(PROXY_JAR, logs.resolve("proxy.log"), "--proxy.port=" + proxyPort,
						"--proxy.host=127.0.0.1", "--proxy.pools.chat.backends[0]=http://127.0.0.1:" + simulatorPort,
						"--proxy.pools.embedding.backends[0]=http://127.0.0.1:" + simulatorPort));
			int ragPort = freePort();
			this.processes.add(ServiceProcesses.startJar(RAG_JAR, logs.resolve("models-rag-service.log"),
					"--server.port=" + ragPort, "--spring.datasource.url=" + jdbc,
					"--spring.datasource.username=postgres", "--devassist.rag.redis.url=" + redisUrl,
					"--devassist.rag.embedding.proxy-url=http://127.0.0.1:" + proxyPort,
					"--devassist.rag.data-directory=" + Files.createTempDirectory("gateway-it-models-rag"),
					"--devassist.identity.public-key=" + publicKeyPem()));
			int assistantPort = freePort();
			this.processes.add(ServiceProcesses.startJar(ASSISTANT_JAR, logs.resolve("models-assistant-service.log"),
					"--server.port=" + assistantPort, "--spring.datasource.url=" + jdbc,
					"--spring.datasource.username=postgres", "--devassist.assistant.redis.url=" + redisUrl,
					"--devassist.assistant.rag.url=http://127.0.0.1:" + ragPort,
					"--devassist.assistant.inference.url=http://127.0.0.1:" + proxyPort,
					"--devassist.identity.public-key=" + publicKeyPem()));
			awaitReady(URI.create("http://127.0.0.1:" + simulatorPort + "/health"));
			awaitReady(URI.create("http://127.0.0.1:" + proxyPort + "/actuator/health/readiness"));
			awaitReady(URI.create("http://127.0.0.1:" + ragPort + "/actuator/health/readiness"));
			awaitReady(URI.create("http://127.0.0.1:" + assistantPort + "/actuator/health/readiness"));
			this.models = new ModelStack("http://127.0.0.1:" + ragPort, "http://127.0.0.1:" + assistantPort);
			return this.models;
		}
		catch (Exception ex) {
			throw new IllegalStateException("The model services cannot start: " + ex.getMessage(), ex);
		}
	}

	String assistantUrl() {
		return "http://127.0.0.1:" + this.assistantPort;
	}

	/**
	 * The private half of the key the services trust, to sign tokens as the gateway does.
	 * @return the key
	 */
	java.security.PrivateKey signingKey() {
		return this.keys.getPrivate();
	}

	String ragUrl() {
		return "http://127.0.0.1:" + this.ragPort;
	}

	String jdbcUrl() {
		return this.postgres.getJdbcUrl("postgres", "postgres");
	}

	String publicKeyPem() {
		return pem("PUBLIC KEY", this.keys.getPublic().getEncoded());
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
				+ "-----";
	}

	static int freePort() {
		return ServiceProcesses.freePort();
	}

	static void awaitReady(URI health) {
		ServiceProcesses.awaitReady(health);
	}

	private void stop() {
		this.gateways.forEach(ConfigurableApplicationContext::close);
		ServiceProcesses.stopAll(this.processes);
		try {
			this.redis.stop();
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Where the services that answer with a model listen.
	 *
	 * @param ragUrl their rag-service
	 * @param assistantUrl their assistant-service
	 */
	record ModelStack(String ragUrl, String assistantUrl) {

		/**
		 * Gateway arguments that route to these services.
		 * @return {@code --key=value} arguments for {@link #startGateway}
		 */
		String[] routes() {
			return new String[] { "--devassist.gateway.routes.rag-url=" + this.ragUrl,
					"--devassist.gateway.routes.assistant-url=" + this.assistantUrl };
		}

	}

}
