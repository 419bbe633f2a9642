package dev.devassist.deployment;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.devassist.testsupport.ServiceProcesses;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every metric that a dashboard or an alert rule reads is one the platform really
 * exposes: the whole platform is started from its jars (simulator, proxy, rag, assistant,
 * gateway on embedded PostgreSQL and Redis), driven through the gateway (a key, an upload
 * indexed, a search, a streamed answer, a refused model) so that meters made on first use
 * exist, then every service's metrics endpoint is scraped and each query's metric names
 * looked up.
 */
class MetricsExposedIT {

	/**
	 * Metrics that come from outside the platform: Prometheus itself, the kubelet and
	 * cAdvisor, kube-state-metrics, node_exporter and NVIDIA's DCGM exporter.
	 */
	private static final Pattern FROM_ELSEWHERE = Pattern
		.compile("up|ALERTS.*|container_.*|kube_.*|kubelet_.*|node_.*|DCGM_.*");

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final List<Process> processes = new ArrayList<>();

	private static final Map<String, String> scrapes = new TreeMap<>();

	private static final Map<Integer, Integer> publicPortsRefuseMetrics = new TreeMap<>();

	private static EmbeddedPostgres postgres;

	private static RedisServer redis;

	@BeforeAll
	static void startThePlatformAndUseIt() throws Exception {
		Path logs = Files.createDirectories(Path.of("target", "it-logs"));
		postgres = EmbeddedPostgres.builder().start();
		int redisPort = ServiceProcesses.freePort();
		redis = new RedisServer(redisPort);
		redis.start();
		TestKeys keys = TestKeys.generate();
		String jdbc = postgres.getJdbcUrl("postgres", "postgres");
		String redisUrl = "redis://127.0.0.1:" + redisPort;

		int simulator = ServiceProcesses.freePort();
		int proxy = ServiceProcesses.freePort();
		int rag = ServiceProcesses.freePort();
		int assistant = ServiceProcesses.freePort();
		int gateway = ServiceProcesses.freePort();
		// As deployed: health and metrics on a management port of their own.
		int ragManagement = ServiceProcesses.freePort();
		int assistantManagement = ServiceProcesses.freePort();
		int gatewayManagement = ServiceProcesses.freePort();
		start("vllm-simulator", logs, "--simulator.port=" + simulator, "--simulator.host=127.0.0.1",
				"--simulator.latency.base=5ms");
		start("inference-proxy", logs, "--proxy.port=" + proxy, "--proxy.host=127.0.0.1",
				"--proxy.pools.chat.backends[0]=http://127.0.0.1:" + simulator,
				"--proxy.pools.embedding.backends[0]=http://127.0.0.1:" + simulator);
		start("rag-service", logs, "--server.port=" + rag, "--management.server.port=" + ragManagement,
				"--spring.datasource.url=" + jdbc, "--spring.datasource.username=postgres",
				"--devassist.rag.redis.url=" + redisUrl,
				"--devassist.rag.embedding.proxy-url=http://127.0.0.1:" + proxy,
				"--devassist.rag.data-directory=" + Files.createTempDirectory("metrics-it-rag"), keys.trustArgument());
		start("assistant-service", logs, "--server.port=" + assistant,
				"--management.server.port=" + assistantManagement, "--spring.datasource.url=" + jdbc,
				"--spring.datasource.username=postgres", "--devassist.assistant.redis.url=" + redisUrl,
				"--devassist.assistant.rag.url=http://127.0.0.1:" + rag,
				"--devassist.assistant.inference.url=http://127.0.0.1:" + proxy, keys.trustArgument());
		start("gateway-service", logs, "--server.port=" + gateway, "--management.server.port=" + gatewayManagement,
				"--spring.datasource.url=" + jdbc, "--spring.datasource.username=postgres",
				"--spring.data.redis.url=" + redisUrl, "--devassist.gateway.routes.rag-url=http://127.0.0.1:" + rag,
				"--devassist.gateway.routes.assistant-url=http://127.0.0.1:" + assistant, keys.signingArgument(),
				keys.trustArgument(), "--devassist.gateway.bootstrap.admin-password=metrics-it-password");
		ServiceProcesses.awaitReady(URI.create("http://127.0.0.1:" + simulator + "/health"));
		for (int port : List.of(proxy, ragManagement, assistantManagement, gatewayManagement)) {
			ServiceProcesses.awaitReady(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"));
		}

		use("http://127.0.0.1:" + gateway, "http://127.0.0.1:" + proxy);

		scrapes.put("gateway-service", scrape("http://127.0.0.1:" + gatewayManagement + "/actuator/prometheus"));
		scrapes.put("assistant-service", scrape("http://127.0.0.1:" + assistantManagement + "/actuator/prometheus"));
		scrapes.put("rag-service", scrape("http://127.0.0.1:" + ragManagement + "/actuator/prometheus"));
		for (int publicPort : List.of(gateway, assistant, rag)) {
			publicPortsRefuseMetrics.put(publicPort, HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + publicPort + "/actuator/prometheus"))
					.build(), HttpResponse.BodyHandlers.discarding())
				.statusCode());
		}
		scrapes.put("inference-proxy", scrape("http://127.0.0.1:" + proxy + "/actuator/prometheus"));
		scrapes.put("vllm-simulator", scrape("http://127.0.0.1:" + simulator + "/metrics"));
	}

	@AfterAll
	static void stop() throws IOException {
		ServiceProcesses.stopAll(processes);
		if (redis != null) {
			redis.stop();
		}
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	void everyMetricTheDashboardsReadIsExposed() throws IOException {
		Map<String, String> queries = new LinkedHashMap<>();
		for (Path file : MonitoringTests.dashboards()) {
			JsonNode dashboard = JSON.readTree(file.toFile());
			for (JsonNode panel : MonitoringTests.panels(dashboard)) {
				for (JsonNode target : panel.path("targets")) {
					if (target.hasNonNull("expr")) {
						queries.put(file.getFileName() + " / " + panel.path("title").asString() + " / "
								+ target.path("refId").asString(), target.path("expr").asString());
					}
				}
			}
			for (JsonNode variable : dashboard.path("templating").path("list")) {
				String query = variable.path("query").isObject() ? variable.path("query").path("query").asString()
						: variable.path("query").asString();
				Matcher values = Pattern.compile("label_values\\(([^,]+),").matcher(query);
				if (values.find()) {
					queries.put(file.getFileName() + " / variable " + variable.path("name").asString(),
							values.group(1));
				}
			}
		}

		assertThat(missing(queries, Set.of())).as("metrics the dashboards read that no service exposes").isEmpty();
	}

	@Test
	void everyMetricTheAlertRulesReadIsExposed() throws IOException {
		Map<String, String> queries = new LinkedHashMap<>();
		Set<String> recorded = new TreeSet<>();
		for (Map<String, Object> group : RenderedChart
			.list(new org.yaml.snakeyaml.Yaml().load(Files.readString(MonitoringTests.RULES)), "groups")) {
			for (Map<String, Object> rule : RenderedChart.list(group, "rules")) {
				String name = String.valueOf(rule.containsKey("alert") ? rule.get("alert") : rule.get("record"));
				queries.put(name, String.valueOf(rule.get("expr")));
				if (rule.containsKey("record")) {
					recorded.add((String) rule.get("record"));
				}
			}
		}

		assertThat(queries).hasSizeGreaterThan(20);
		assertThat(missing(queries, recorded)).as("metrics the alert rules read that no service exposes").isEmpty();
	}

	@Test
	void metricsAreServedOnTheManagementPortAndNeverWithoutATokenOnThePublicOne() {
		assertThat(publicPortsRefuseMetrics).hasSize(3).allSatisfy((port, status) -> assertThat(status).isEqualTo(401));
		assertThat(scrapes.get("gateway-service")).contains("http_server_requests_seconds_bucket");
	}

	@Test
	void theMetricNamesAreReadFromPromqlNotGuessed() {
		assertThat(metricNames("histogram_quantile(0.95, sum by (le, job) "
				+ "(rate(http_server_requests_seconds_bucket{uri!~\"/actuator.*\"}[5m])))"))
			.containsExactly("http_server_requests_seconds_bucket");
		assertThat(metricNames("sum(rate(vllm:prefix_cache_hits_total[5m])) "
				+ "/ sum(rate(vllm:prefix_cache_queries_total[5m])) > 0.5 and on(job) up == 1"))
			.containsExactlyInAnyOrder("vllm:prefix_cache_hits_total", "vllm:prefix_cache_queries_total", "up");
		assertThat(metricNames("max without (instance) (inference_pool_ready_pods) == bool 0 offset 5m"))
			.containsExactly("inference_pool_ready_pods");
	}

	/** The queries' metric names that neither a scrape nor a recording rule provides. */
	private static Map<String, Set<String>> missing(Map<String, String> queries, Set<String> recorded) {
		Set<String> exposed = new TreeSet<>();
		Pattern sample = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{| )");
		scrapes.values().forEach((text) -> {
			Matcher matcher = sample.matcher(text);
			while (matcher.find()) {
				exposed.add(matcher.group(1));
			}
		});
		assertThat(exposed).as("the scrapes").hasSizeGreaterThan(100);
		Map<String, Set<String>> missing = new TreeMap<>();
		queries.forEach((where, query) -> {
			for (String name : metricNames(query)) {
				if (!exposed.contains(name) && !recorded.contains(name) && !FROM_ELSEWHERE.matcher(name).matches()) {
					missing.computeIfAbsent(name, (key) -> new TreeSet<>()).add(where);
				}
			}
		});
		return missing;
	}

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
			"bool", "and", "or", "unless", "offset", "inf", "nan", "atan2");

	/**
	 * The metric names in a PromQL expression: identifiers that are not functions (a name
	 * followed by a parenthesis), keywords, label names inside braces or grouping
	 * clauses, strings, durations or numbers.
	 */
	static Set<String> metricNames(String query) {
		String plain = query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
			.replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
			.replaceAll("\\{[^}]*}", " ")
			.replaceAll("\\[[^]]*]", " ")
			.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
		Set<String> names = new TreeSet<>();
		Matcher identifier = Pattern.compile("(?<![\\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(plain);
		while (identifier.find()) {
			String name = identifier.group(1);
			if (identifier.group(2) == null && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))
					&& !name.matches("\\d.*")) {
				names.add(name);
			}
		}
		return names;
	}

	/**
	 * Uses the platform as a developer and an IDE would, through the gateway: a key, an
	 * uploaded file indexed, searches, a streamed answer; and asks the proxy for a model
	 * it does not have, so its error counter exists.
	 */
	private static void use(String gateway, String proxy) throws Exception {
		HttpClient session = HttpClient.newBuilder()
			.cookieHandler(new CookieManager())
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		send(session, json(gateway + "/api/auth/login", "{\"username\":\"admin\",\"password\":\"metrics-it-password\"}")
			.build());
		send(session, HttpRequest.newBuilder(URI.create(gateway + "/api/auth/csrf")).GET().build());
		String csrf = ((CookieManager) session.cookieHandler().orElseThrow()).getCookieStore()
			.getCookies()
			.stream()
			.filter((cookie) -> cookie.getName().equals("XSRF-TOKEN"))
			.findFirst()
			.orElseThrow()
			.getValue();
		JsonNode created = JSON.readTree(send(session,
				HttpRequest.newBuilder(URI.create(gateway + "/api/keys"))
					.header("Content-Type", "application/json")
					.header("X-XSRF-TOKEN", csrf)
					.POST(HttpRequest.BodyPublishers
						.ofString("{\"name\":\"metrics\",\"scopes\":[\"chat\",\"search\",\"ingest\"]}"))
					.build()));
		String key = created.path("secret").asString();
		assertThat(key).as("an API key from " + created).startsWith("dak_");
		HttpClient http = HttpClient.newHttpClient();

		String boundary = "metrics-it-boundary";
		String file = "/** Limits how many uploads a tenant may keep. */\n"
				+ "class UploadQuota {\n\tint limit() {\n\t\treturn 100;\n\t}\n}\n";
		String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nquota\r\n--"
				+ boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"UploadQuota.java\"\r\n"
				+ "Content-Type: text/plain\r\n\r\n" + file + "\r\n--" + boundary + "--\r\n";
		send(http,
				HttpRequest.newBuilder(URI.create(gateway + "/api/sources/uploads"))
					.header("Authorization", "Bearer " + key)
					.header("Content-Type", "multipart/form-data; boundary=" + boundary)
					.POST(HttpRequest.BodyPublishers.ofString(multipart))
					.build());
		Awaitility.await("the uploaded file indexed and found")
			.atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> JSON
				.readTree(send(http,
						json(gateway + "/api/search", "{\"query\":\"upload quota limit\"}")
							.headers("Authorization", "Bearer " + key)
							.build()))
				.path("hits")
				.size() > 0);

		String answer = send(http,
				json(gateway + "/api/chat", "{\"message\":\"How many uploads may a tenant keep?\"}")
					.headers("Authorization", "Bearer " + key, "Accept", "text/event-stream")
					.build());
		assertThat(answer).contains("\"done\"");

		HttpResponse<String> refused = http.send(
				json(proxy + "/v1/chat/completions",
						"{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(404);
		for (boolean stream : List.of(false, true)) {
			send(http,
					json(proxy + "/v1/chat/completions",
							"{\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"stream\":" + stream
									+ ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}],\"max_tokens\":8}")
						.header("x-priority", "interactive")
						.build());
		}
	}

	private static HttpRequest.Builder json(String url, String body) {
		return HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body));
	}

	private static String send(HttpClient client, HttpRequest request) throws Exception {
		HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(request.method() + " " + request.uri() + ": " + response.body())
			.isBetween(200, 299);
		return response.body();
	}

	private static String scrape(String url) throws Exception {
		return send(HttpClient.newHttpClient(), HttpRequest.newBuilder(URI.create(url)).GET().build());
	}

	private static void start(String module, Path logs, String... arguments) throws IOException {
		processes.add(ServiceProcesses.startJar(Path.of("..", module, "target", module + ".jar"),
				logs.resolve(module + ".log"), arguments));
	}

}
