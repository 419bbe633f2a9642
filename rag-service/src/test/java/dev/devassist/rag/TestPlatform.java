package dev.devassist.rag;

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
import java.util.concurrent.TimeUnit;

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
 * The real servers rag-service's integration tests run against, started once per test
 * JVM: embedded PostgreSQL, embedded Redis, and the inference proxy from its jar with its
 * local embedding model. Tokens are signed with a key made for the run, as the gateway
 * would.
 */
final class TestPlatform {

	private static final Path PROXY_JAR = Path.of("..", "inference-proxy", "target", "inference-proxy.jar");

	private static TestPlatform instance;

	private final EmbeddedPostgres postgres;

	private final RedisServer redis;

	private final int redisPort;

	private final Process proxy;

	private final int proxyPort;

	private final KeyPair gateway;

	private TestPlatform() throws Exception {
		this.postgres = EmbeddedPostgres.builder().start();
		this.redisPort = freePort();
		this.redis = new RedisServer(this.redisPort);
		this.redis.start();
		this.proxyPort = freePort();
		this.proxy = startProxy(this.proxyPort);
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		this.gateway = generator.generateKeyPair();
		Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
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
	 * Arguments that point rag-service at these servers, with its data under a directory.
	 * @param data the data directory
	 * @param extra more {@code --key=value} arguments, which win over the defaults
	 * @return the arguments
	 */
	String[] arguments(Path data, String... extra) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--spring.datasource.url=" + this.postgres.getJdbcUrl("postgres", "postgres"),
				"--spring.datasource.username=postgres",
				"--devassist.rag.redis.url=redis://127.0.0.1:" + this.redisPort,
				"--devassist.rag.embedding.proxy-url=http://127.0.0.1:" + this.proxyPort,
				"--devassist.rag.data-directory=" + data, "--devassist.identity.public-key=" + publicKeyPem(),
				"--devassist.rag.ingestion.reclaim-after=5s", "--logging.level.root=WARN",
				"--logging.level.dev.devassist.rag.ingestion=DEBUG"));
		// An extra argument replaces a default of the same name rather than joining it.
		Map<String, String> byName = new LinkedHashMap<>();
		for (String argument : arguments) {
			byName.put(argument.substring(0, argument.indexOf('=')), argument);
		}
		for (String argument : extra) {
			byName.put(argument.substring(0, argument.indexOf('=')), argument);
		}
		return byName.values().toArray(String[]::new);
	}

	String proxyUrl() {
		return "http://127.0.0.1:" + this.proxyPort;
	}

	int redisPort() {
		return this.redisPort;
	}

	String jdbcUrl() {
		return this.postgres.getJdbcUrl("postgres", "postgres");
	}

	/**
	 * A token for a caller of a tenant, as the gateway would mint it.
	 * @param tenant the tenant
	 * @return the signed token
	 */
	String token(String tenant) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("devassist-gateway")
			.subject("user-of-" + tenant)
			.audience("rag-service")
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
			.claim("tenant", tenant)
			.claim("roles", List.of("member"))
			.claim("scopes", List.of("search", "ingest"))
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

	private String publicKeyPem() {
		return "-----BEGIN PUBLIC KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(this.gateway.getPublic().getEncoded())
				+ "\n-----END PUBLIC KEY-----";
	}

	static Process startProxy(int port) throws IOException {
		if (!Files.isRegularFile(PROXY_JAR)) {
			throw new IllegalStateException(PROXY_JAR.toAbsolutePath() + " is missing: build inference-proxy first");
		}
		List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-jar",
				PROXY_JAR.toString(), "--proxy.port=" + port, "--proxy.host=127.0.0.1", "--logging.level.root=WARN",
				"--spring.main.banner-mode=off");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		return process;
	}

	static int freePort() {
		return ServiceProcesses.freePort();
	}

	static void awaitReady(URI health) {
		ServiceProcesses.awaitReady(health);
	}

	private void stop() {
		this.proxy.destroy();
		try {
			this.proxy.waitFor(10, TimeUnit.SECONDS);
			this.redis.stop();
			this.postgres.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
