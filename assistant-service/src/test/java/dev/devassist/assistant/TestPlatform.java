package dev.devassist.assistant;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.devassist.testsupport.ServiceProcesses;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * The real servers assistant-service's integration tests run against, started once per
 * test JVM: embedded PostgreSQL and Redis, the vLLM simulator with a response script, the
 * inference proxy in front of it, and rag-service, each of the last three from its own
 * jar. Tokens are signed with a key made for the run, as the gateway would sign them.
 */
final class TestPlatform {

	private static final Path SIMULATOR_JAR = Path.of("..", "vllm-simulator", "target", "vllm-simulator.jar");

	private static final Path PROXY_JAR = Path.of("..", "inference-proxy", "target", "inference-proxy.jar");

	private static final Path RAG_JAR = Path.of("..", "rag-service", "target", "rag-service.jar");

	/** The simulator's model, the chat pool's name at the proxy. */
	static final String MODEL = "meta-llama/Llama-3.1-8B-Instruct";

	private static TestPlatform instance;

	private final EmbeddedPostgres postgres;

	private final RedisServer redis;

	private final int redisPort;

	private final KeyPair gateway;

	private final int simulatorPort;

	private final int proxyPort;

	private final int ragPort;

	private final List<Process> processes = new ArrayList<>();

	private TestPlatform() throws Exception {
		Path logs = Files.createDirectories(Path.of("target", "it-logs"));
		this.postgres = EmbeddedPostgres.builder().start();
		this.redisPort = freePort();
		this.redis = new RedisServer(this.redisPort);
		this.redis.start();
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		this.gateway = generator.generateKeyPair();
		Runtime.getRuntime().addShutdownHook(new Thread(this::stop));

		Path script = Path.of("src", "test", "resources", "simulator-script.json").toAbsolutePath();
		this.simulatorPort = freePort();
		this.processes.add(ServiceProcesses.startJar(SIMULATOR_JAR, logs.resolve("simulator.log"),
				"--simulator.port=" + this.simulatorPort, "--simulator.host=127.0.0.1", "--simulator.script=" + script,
				"--simulator.latency.base=15ms"));
		this.proxyPort = freePort();
		this.processes
			.add(ServiceProcesses.startJar(PROXY_JAR, logs.resolve("proxy.log"), "--proxy.port=" + this.proxyPort,
					"--proxy.host=127.0.0.1", "--proxy.pools.chat.backends[0]=http://127.0.0.1:" + this.simulatorPort,
					"--proxy.pools.embedding.backends[0]=http://127.0.0.1:" + this.simulatorPort));
		this.ragPort = freePort();
		this.processes
			.add(ServiceProcesses.startJar(RAG_JAR, logs.resolve("rag-service.log"), "--server.port=" + this.ragPort,
					"--spring.datasource.url=" + jdbcUrl(), "--spring.datasource.username=postgres",
					"--devassist.rag.redis.url=redis://127.0.0.1:" + this.redisPort,
					"--devassist.rag.embedding.proxy-url=http://127.0.0.1:" + this.proxyPort,
					"--devassist.rag.data-directory=" + Files.createTempDirectory("assistant-it-rag"),
					"--devassist.identity.public-key=" + publicKeyPem()));
		awaitReady(URI.create("http://127.0.0.1:" + this.simulatorPort + "/health"));
		awaitReady(URI.create("http://127.0.0.1:" + this.proxyPort + "/actuator/health/readiness"));
		awaitReady(URI.create("http://127.0.0.1:" + this.ragPort + "/actuator/health/readiness"));
	}

	/**
	 * The servers, started on first use.
	 * @return them
	 */
	static synchronized TestPlatform get() {
		if (instance == null) {
			try {
				instance = new TestPlatform();
			}
			catch (Exception ex) {
				throw new IllegalStateException("The test platform cannot start: " + ex.getMessage(), ex);
			}
		}
		return instance;
	}

	/**
	 * Arguments that point assistant-service at these servers.
	 * @param extra more {@code --key=value} arguments, which replace defaults of the same
	 * name
	 * @return the arguments
	 */
	String[] arguments(String... extra) {
		Map<String, String> byName = new LinkedHashMap<>();
		List<String> defaults = List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--spring.datasource.url=" + jdbcUrl(), "--spring.datasource.username=postgres",
				"--devassist.assistant.redis.url=redis://127.0.0.1:" + this.redisPort,
				"--devassist.assistant.rag.url=" + ragUrl(), "--devassist.assistant.inference.url=" + proxyUrl(),
				"--devassist.identity.public-key=" + publicKeyPem(), "--logging.level.root=WARN");
		for (String argument : defaults) {
			byName.put(argument.substring(0, argument.indexOf('=')), argument);
		}
		for (String argument : extra) {
			byName.put(argument.substring(0, argument.indexOf('=')), argument);
		}
		return byName.values().toArray(String[]::new);
	}

	String ragUrl() {
		return "http://127.0.0.1:" + this.ragPort;
	}

	String proxyUrl() {
		return "http://127.0.0.1:" + this.proxyPort;
	}

	int redisPort() {
		return this.redisPort;
	}

	/**
	 * A token for a user of a tenant, as the gateway would mint it.
	 * @param tenant the tenant
	 * @param scopes the scopes it carries
	 * @return the signed token
	 */
	String token(String tenant, String... scopes) {
		return token(tenant, List.of("member"), scopes);
	}

	/**
	 * A token for a user of a tenant with the given roles.
	 * @param tenant the tenant
	 * @param roles its roles, e.g. {@code admin}
	 * @param scopes the scopes it carries
	 * @return the signed token
	 */
	String token(String tenant, List<String> roles, String... scopes) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("devassist-gateway")
			.subject("user-of-" + tenant)
			.audience(List.of("assistant-service", "rag-service", "inference-proxy"))
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
			.claim("tenant", tenant)
			.claim("roles", roles)
			.claim("scopes", (scopes.length > 0) ? List.of(scopes) : List.of("chat", "search", "ingest"))
			.build();
		try {
			SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(),
					claims);
			token.sign(new ECDSASigner((ECPrivateKey) this.gateway.getPrivate()));
			return token.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String jdbcUrl() {
		return this.postgres.getJdbcUrl("postgres", "postgres");
	}

	private String publicKeyPem() {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(this.gateway.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----";
	}

	static int freePort() {
		return ServiceProcesses.freePort();
	}

	static void awaitReady(URI health) {
		ServiceProcesses.awaitReady(health);
	}

	private void stop() {
		ServiceProcesses.stopAll(this.processes);
		try {
			this.redis.stop();
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
