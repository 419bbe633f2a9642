package dev.devassist.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import static dev.devassist.deployment.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/compose.yaml, read without Docker and checked against the services themselves:
 * every service starts after what it needs and says when it is healthy, the URLs and
 * ports between them are the ones the services listen on, every setting it passes names a
 * real configuration property, and every file it mounts exists.
 */
class ComposeTests {

	private static final Path DOCKER = Path.of("..", "docker");

	/** Each of our services: its compose name, module and listening port. */
	private static final Map<String, Service> OURS = Map.of("gateway", new Service("gateway-service", 8080),
			"assistant", new Service("assistant-service", 8081), "rag", new Service("rag-service", 8082),
			"inference-proxy", new Service("inference-proxy", 8083), "simulator", new Service("vllm-simulator", 8000));

	/**
	 * Where each prefix of environment settings is bound, as Spring's relaxed binding
	 * reads it.
	 */
	private static final Map<String, String> PROPERTIES = Map.of("DEVASSIST_GATEWAY_",
			"gateway-service/src/main/java/dev/devassist/gateway/GatewayProperties.java", "DEVASSIST_RAG_",
			"rag-service/src/main/java/dev/devassist/rag/RagProperties.java", "DEVASSIST_ASSISTANT_",
			"assistant-service/src/main/java/dev/devassist/assistant/AssistantProperties.java", "DEVASSIST_IDENTITY_",
			"platform-common/src/main/java/dev/devassist/platform/identity/IdentityProperties.java", "PROXY_",
			"inference-proxy/src/main/java/dev/devassist/proxy/ProxyProperties.java", "SIMULATOR_",
			"vllm-simulator/src/main/java/dev/devassist/simulator/SimulatorProperties.java");

	private static Map<String, Map<String, Object>> services;

	private static Map<String, Object> compose;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void read() throws IOException {
		LoaderOptions options = new LoaderOptions();
		options.setMaxAliasesForCollections(100);
		compose = new Yaml(options).load(Files.readString(DOCKER.resolve("compose.yaml")));
		services = (Map<String, Map<String, Object>>) compose.get("services");
	}

	@Test
	void theWholePlatformIsThereWithItsRealDependenciesAndMonitoring() {
		assertThat(services).containsKeys("postgres", "redis", "qdrant", "minio", "simulator", "vllm",
				"inference-proxy", "rag", "assistant", "gateway", "prometheus", "alertmanager", "grafana", "loki",
				"alloy");
		assertThat(services.get("vllm").get("profiles")).isEqualTo(List.of("gpu"));
		assertThat(String.valueOf(services.get("vllm").get("deploy"))).contains("nvidia");
		assertThat(services.get("loki").get("profiles")).isEqualTo(List.of("logs"));
	}

	@Test
	void everyLongRunningServiceHasAHealthCheckAndStartsAfterWhatItNeeds() {
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			if (!Set.of("keys", "alloy").contains(service.getKey())) {
				assertThat(service.getValue()).as(service.getKey()).containsKey("healthcheck");
			}
			if (service.getValue().get("depends_on") instanceof Map<?, ?> needs) {
				for (Map.Entry<?, ?> need : needs.entrySet()) {
					assertThat(services).as(service.getKey() + " depends on " + need.getKey())
						.containsKey((String) need.getKey());
					assertThat(at(need.getValue(), "condition")).as(service.getKey() + " waits for " + need.getKey())
						.isIn("service_healthy", "service_completed_successfully");
				}
			}
		}
		assertThat(dependencies("gateway")).contains("postgres", "redis", "assistant", "rag", "keys");
		assertThat(dependencies("rag")).contains("postgres", "redis", "qdrant", "minio", "inference-proxy");
	}

	@Test
	void ourServicesRunAsNonRootOnReadOnlyFilesystemsAndImagesArePinned() {
		for (String name : OURS.keySet()) {
			Map<String, Object> service = services.get(name);
			assertThat(service.get("user")).as(name).isEqualTo("65532:65532");
			assertThat(service.get("read_only")).as(name).isEqualTo(true);
			assertThat(service.get("cap_drop")).as(name).isEqualTo(List.of("ALL"));
			assertThat(environment(name)).as(name + " logs ECS JSON")
				.containsEntry("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		}
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			String image = String.valueOf(service.getValue().get("image"));
			assertThat(image).as(service.getKey()).doesNotEndWith(":latest").matches(".+:[^/]+$");
		}
	}

	@Test
	void urlsAndPortsBetweenServicesAreTheOnesTheyListenOn() throws IOException {
		Pattern url = Pattern.compile("(?:https?|redis|jdbc:postgresql)://([a-z-]+):(\\d+)");
		for (Map.Entry<String, Service> ours : OURS.entrySet()) {
			String yaml = Files
				.readString(Path.of("..", ours.getValue().module(), "src/main/resources/application.yaml"));
			Matcher port = Pattern.compile("(?m)^server:\\n  port: (\\d+)").matcher(yaml);
			if (port.find()) {
				assertThat(Integer.parseInt(port.group(1))).as(ours.getKey() + "'s server.port")
					.isEqualTo(ours.getValue().port());
			}
		}
		int checked = 0;
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			for (Map.Entry<String, String> variable : environment(service.getKey()).entrySet()) {
				Matcher matcher = url.matcher(variable.getValue());
				while (matcher.find()) {
					String host = matcher.group(1);
					int port = Integer.parseInt(matcher.group(2));
					assertThat(services).as(service.getKey() + " " + variable.getKey() + " names a service")
						.containsKey(host);
					assertThat(port).as(service.getKey() + " " + variable.getKey()).isEqualTo(listensOn(host));
					checked++;
				}
			}
		}
		assertThat(checked).isGreaterThan(10);
	}

	@Test
	void everySettingPassedToOurServicesNamesARealConfigurationProperty() throws IOException {
		Set<String> checked = new TreeSet<>();
		for (String name : OURS.keySet()) {
			for (String variable : environment(name).keySet()) {
				if (variable.startsWith("SPRING_") || variable.equals("SERVER_PORT")
						|| variable.equals("MANAGEMENT_SERVER_PORT") || variable.startsWith("LOGGING_")
						|| variable.equals("JAVA_TOOL_OPTIONS")) {
					continue;
				}
				String prefix = PROPERTIES.keySet()
					.stream()
					.filter(variable::startsWith)
					.findFirst()
					.orElseThrow(() -> new AssertionError(name + ": " + variable + " is bound by no properties class"));
				String source = Files.readString(Path.of("..", PROPERTIES.get(prefix)));
				assertThat(bindable(variable.substring(prefix.length()), source)).as(name + ": " + variable).isTrue();
				checked.add(variable);
			}
		}
		assertThat(checked).hasSizeGreaterThan(12);
	}

	@Test
	void theBindingCheckTellsARealSettingFromAMisspeltOne() throws IOException {
		String rag = Files.readString(Path.of("..", PROPERTIES.get("DEVASSIST_RAG_")));
		String proxy = Files.readString(Path.of("..", PROPERTIES.get("PROXY_")));

		assertThat(bindable("STORAGE_S3_ACCESS_KEY", rag)).isTrue();
		assertThat(bindable("STORAGE_S3_ACESS_KEY", rag)).isFalse();
		assertThat(bindable("INDEX_QDRANT", rag)).isTrue();
		assertThat(bindable("INDEX_ELASTIC_HOST", rag)).isFalse();
		assertThat(bindable("POOLS_CHAT_BACKENDS", proxy)).isTrue();
		assertThat(bindable("POOLS_CHAT_BACKENDZ", proxy)).isFalse();
	}

	@Test
	void prometheusScrapesEveryServiceAndLoadsTheSharedRules() throws IOException {
		Map<String, Object> prometheus = new Yaml(new LoaderOptions())
			.load(Files.readString(DOCKER.resolve("prometheus/prometheus.yml")));
		Set<String> scraped = new HashSet<>();
		for (Map<String, Object> job : RenderedChart.list(prometheus, "scrape_configs")) {
			for (Map<String, Object> targets : RenderedChart.list(job, "static_configs")) {
				for (Object target : (List<?>) targets.get("targets")) {
					String[] hostPort = String.valueOf(target).split(":");
					if (!hostPort[0].equals("localhost")) {
						assertThat(services).as(String.valueOf(target)).containsKey(hostPort[0]);
						assertThat(Integer.parseInt(hostPort[1])).as(String.valueOf(target))
							.isEqualTo(metricsPort(hostPort[0]));
						scraped.add(hostPort[0]);
					}
				}
			}
		}
		assertThat(scraped).containsAll(OURS.keySet()).contains("vllm");
		for (String service : List.of("gateway", "assistant", "rag")) {
			assertThat(environment(service)).as(service + " serves metrics on a management port")
				.containsEntry("MANAGEMENT_SERVER_PORT", "9090");
			assertThat(String.valueOf(services.get(service).get("ports"))).as(service + " publishes no management port")
				.doesNotContain("9090");
		}
		assertThat(RenderedChart.strings(prometheus.get("rule_files")))
			.containsExactly("/etc/prometheus/rules/devassist-alerts.yaml");
		assertThat(RenderedChart.strings(services.get("prometheus").get("volumes")))
			.contains("../monitoring/alerts/devassist-alerts.yaml:/etc/prometheus/rules/devassist-alerts.yaml:ro");
	}

	@Test
	void everyMountedFileExistsAndEveryNamedVolumeIsDeclared() {
		Set<String> declared = ((Map<?, ?>) compose.get("volumes")).keySet()
			.stream()
			.map(String::valueOf)
			.collect(java.util.stream.Collectors.toSet());
		Set<String> used = new HashSet<>();
		for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
			if (service.getValue().get("volumes") instanceof List<?> volumes) {
				for (Object volume : volumes) {
					String source = String.valueOf(volume).split(":")[0];
					if (source.startsWith(".")) {
						assertThat(DOCKER.resolve(source)).as(service.getKey() + " mounts " + source).exists();
					}
					else if (!source.startsWith("/")) {
						assertThat(declared).as(service.getKey() + "'s volume " + source).contains(source);
						used.add(source);
					}
				}
			}
		}
		assertThat(used).as("declared volumes in use").containsAll(declared);
	}

	/** Where a service serves its metrics: its management port when it has one. */
	private static int metricsPort(String service) {
		String management = environment(service).get("MANAGEMENT_SERVER_PORT");
		return (management != null) ? Integer.parseInt(management) : listensOn(service);
	}

	private static int listensOn(String service) {
		if (OURS.containsKey(service)) {
			return OURS.get(service).port();
		}
		return switch (service) {
			case "postgres" -> 5432;
			case "redis" -> 6379;
			case "qdrant" -> 6334;
			case "minio" -> 9000;
			case "vllm" -> 8000;
			case "alertmanager" -> 9093;
			case "prometheus" -> 9090;
			case "loki" -> 3100;
			default -> throw new AssertionError("no known port for " + service);
		};
	}

	private static Set<String> dependencies(String service) {
		return ((Map<?, ?>) services.get(service).get("depends_on")).keySet()
			.stream()
			.map(String::valueOf)
			.collect(java.util.stream.Collectors.toSet());
	}

	private static Map<String, String> environment(String service) {
		Map<String, String> environment = new LinkedHashMap<>();
		if (services.get(service).get("environment") instanceof Map<?, ?> variables) {
			variables.forEach((key, value) -> environment.put(String.valueOf(key), String.valueOf(value)));
		}
		return environment;
	}

	/**
	 * Whether the words of a setting (ROUTES_ASSISTANT_URL) split into record components
	 * of the properties class (routes, assistantUrl), as Spring's relaxed binding reads
	 * it.
	 */
	static boolean bindable(String rest, String source) {
		String[] words = rest.toLowerCase(java.util.Locale.ROOT).split("_");
		return bindable(words, 0, source, false);
	}

	private static boolean bindable(String[] words, int from, String source, boolean mapKeyNext) {
		if (from == words.length) {
			return !mapKeyNext;
		}
		if (mapKeyNext) {
			// A map's key (a pool's name, say) is free text: one word of it.
			return bindable(words, from + 1, source, false);
		}
		for (int to = words.length; to > from; to--) {
			StringBuilder camel = new StringBuilder(words[from]);
			for (int i = from + 1; i < to; i++) {
				camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
			}
			boolean map = Pattern.compile("Map<[^>]*>\\s+" + camel + "\\s*[,)]").matcher(source).find();
			boolean component = map || Pattern.compile("[\\w<>?]+\\s+" + camel + "\\s*[,)]").matcher(source).find();
			if (component && bindable(words, to, source, map)) {
				return true;
			}
		}
		return false;
	}

	record Service(String module, int port) {
	}

}
