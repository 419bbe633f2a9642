package dev.devassist.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.devassist.deployment.RenderedChart.at;
import static dev.devassist.deployment.RenderedChart.describe;
import static dev.devassist.deployment.RenderedChart.list;
import static dev.devassist.deployment.RenderedChart.map;
import static dev.devassist.deployment.RenderedChart.podLabels;
import static dev.devassist.deployment.RenderedChart.podSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, linted and rendered by Helm itself for the three installs it is made
 * for (the defaults, a small install without GPUs, production with external stores),
 * every object checked against the Kubernetes 1.34 API schema, and the objects that keep
 * the platform safe and running asserted one by one.
 */
class ChartTests {

	private static final String PREFIX = RenderedChart.RELEASE + "-";

	static Stream<Arguments> installs() {
		return Stream.of(Arguments.of("defaults", List.of()), Arguments.of("small", List.of("ci/small-values.yaml")),
				Arguments.of("production", List.of("ci/production-values.yaml")));
	}

	@Test
	void helmLintFindsNothingWrong() {
		LintResult lint = new Helm(RenderedChart.CHART).lint().strict().call();

		assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installs")
	void everyObjectFitsTheKubernetesApiSchema(String install, List<String> values) {
		RenderedChart chart = RenderedChart.render(values, Map.of());

		assertThat(chart.objects()).hasSizeGreaterThan(20);
		for (Map<String, Object> object : chart.objects()) {
			if (RenderedChart.CUSTOM_KINDS.contains(object.get("kind"))) {
				assertThat(at(object, "spec")).as(describe(object)).isInstanceOf(Map.class);
			}
			else {
				RenderedChart.validate(object);
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installs")
	void everyObjectCarriesTheStandardLabelsAndSelectorsMatchPods(String install, List<String> values) {
		RenderedChart chart = RenderedChart.render(values, Map.of());

		for (Map<String, Object> object : chart.objects()) {
			assertThat(map(object, "metadata.labels")).as(describe(object))
				.containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component",
						"app.kubernetes.io/version", "app.kubernetes.io/managed-by", "helm.sh/chart");
		}
		for (Map<String, Object> workload : chart.workloads()) {
			if (!"CronJob".equals(workload.get("kind"))) {
				Map<String, Object> selector = map(workload, "spec.selector.matchLabels");
				assertThat(selector).as(describe(workload) + " selects by the stable labels only")
					.containsOnlyKeys("app.kubernetes.io/name", "app.kubernetes.io/instance",
							"app.kubernetes.io/component");
				assertThat(podLabels(workload)).as(describe(workload)).containsAllEntriesOf(selector);
			}
		}
		for (Map<String, Object> service : chart.ofKind("Service")) {
			Map<String, Object> selector = map(service, "spec.selector");
			assertThat(chart.workloads()).as(describe(service) + " selects some workload's pods")
				.anyMatch((workload) -> podLabels(workload).entrySet().containsAll(selector.entrySet()));
			for (Map<String, Object> port : list(service, "spec.ports")) {
				assertThat(chart.workloads()
					.stream()
					.filter((workload) -> podLabels(workload).entrySet().containsAll(selector.entrySet()))
					.flatMap((workload) -> list(podSpec(workload), "containers").stream())
					.flatMap((container) -> list(container, "ports").stream())
					.anyMatch((declared) -> port.get("targetPort").equals(declared.get("name"))))
					.as(describe(service) + " targets a named port of its pods")
					.isTrue();
			}
		}
		for (Map<String, Object> budget : chart.ofKind("PodDisruptionBudget")) {
			Map<String, Object> selector = map(budget, "spec.selector.matchLabels");
			assertThat(chart.workloads()).as(describe(budget))
				.anyMatch((workload) -> podLabels(workload).entrySet().containsAll(selector.entrySet()));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installs")
	void everyContainerRunsAsNonRootOnAReadOnlyRootWithNoCapabilitiesAndWithLimits(String install,
			List<String> values) {
		RenderedChart chart = RenderedChart.render(values, Map.of());
		List<Map<String, Object>> pods = new ArrayList<>();
		chart.workloads().forEach((workload) -> pods.add(podSpec(workload)));
		chart.ofKind("Pod").forEach((pod) -> pods.add(map(pod, "spec")));

		assertThat(pods).isNotEmpty();
		for (Map<String, Object> pod : pods) {
			assertThat(at(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
			assertThat((Integer) at(pod, "securityContext.runAsUser")).isPositive();
			assertThat(at(pod, "securityContext.seccompProfile.type")).isEqualTo("RuntimeDefault");
			assertThat(at(pod, "automountServiceAccountToken")).isEqualTo(false);
			for (Map<String, Object> container : list(pod, "containers")) {
				String name = String.valueOf(container.get("name"));
				assertThat(at(container, "securityContext.readOnlyRootFilesystem")).as(name).isEqualTo(true);
				assertThat(at(container, "securityContext.allowPrivilegeEscalation")).as(name).isEqualTo(false);
				assertThat(at(container, "securityContext.capabilities.drop")).as(name).isEqualTo(List.of("ALL"));
				assertThat(at(container, "resources.limits.memory")).as(name + " has a memory limit").isNotNull();
				assertThat(at(container, "resources.requests.cpu")).as(name + " requests CPU").isNotNull();
				String image = String.valueOf(container.get("image"));
				assertThat(image).as(name).doesNotEndWith(":latest").containsAnyOf(":", "@sha256:");
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("installs")
	void everyLongRunningContainerHasProbesAndStopsLaterThanItsLongestStream(String install, List<String> values) {
		RenderedChart chart = RenderedChart.render(values, Map.of());

		for (Map<String, Object> workload : chart.workloads()) {
			if ("CronJob".equals(workload.get("kind"))) {
				continue;
			}
			for (Map<String, Object> container : list(podSpec(workload), "containers")) {
				assertThat(container).as(describe(workload)).containsKeys("readinessProbe", "livenessProbe");
			}
		}
		for (String streaming : List.of("gateway", "assistant", "inference-proxy")) {
			Map<String, Object> pod = podSpec(chart.one("Deployment", PREFIX + streaming));
			assertThat((Integer) pod.get("terminationGracePeriodSeconds")).as(streaming).isGreaterThanOrEqualTo(300);
			Map<String, Object> container = list(pod, "containers").get(0);
			assertThat(at(container, "readinessProbe.httpGet.path")).isEqualTo("/actuator/health/readiness");
			assertThat(at(container, "readinessProbe.httpGet.port"))
				.isEqualTo(streaming.equals("inference-proxy") ? "http" : "management");
			assertThat(at(container, "livenessProbe.httpGet.path")).isEqualTo("/actuator/health/liveness");
			assertThat(at(container, "lifecycle.preStop.sleep.seconds")).isNotNull();
			assertThat(list(container, "env")).as(streaming + " logs ECS JSON")
				.anyMatch((variable) -> "LOGGING_STRUCTURED_FORMAT_CONSOLE".equals(variable.get("name"))
						&& "ecs".equals(variable.get("value")));
		}
		Map<String, Object> gatewayPod = podSpec(chart.one("Deployment", PREFIX + "gateway"));
		int grace = (Integer) gatewayPod.get("terminationGracePeriodSeconds");
		String drain = list(list(gatewayPod, "containers").get(0), "env").stream()
			.filter((variable) -> "SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE".equals(variable.get("name")))
			.map((variable) -> String.valueOf(variable.get("value")))
			.findFirst()
			.orElseThrow();
		String gatewayConfig = (String) map(chart.one("ConfigMap", PREFIX + "gateway"), "data").get("application.yaml");
		assertThat(gatewayConfig).contains("stream-max-duration: 300s");
		assertThat(Integer.parseInt(drain.replace("s", ""))).as("the drain outlasts the longest stream")
			.isGreaterThan(300)
			.as("and ends before the kubelet's grace period")
			.isLessThan(grace);
		for (Map<String, Object> deployment : chart.ofKind("Deployment")) {
			assertThat(at(deployment, "spec.strategy.rollingUpdate.maxUnavailable")).as(describe(deployment))
				.isEqualTo(0);
		}
	}

	@Test
	void theVllmPoolRunsOnGpuNodesWithACachedModelAndTheProxyFindsItThroughAHeadlessService() {
		RenderedChart chart = RenderedChart.render();
		Map<String, Object> vllm = chart.one("Deployment", PREFIX + "vllm");
		Map<String, Object> pod = podSpec(vllm);
		Map<String, Object> container = list(pod, "containers").get(0);

		assertThat(at(container, "resources.limits")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
			.containsEntry("nvidia.com/gpu", 1);
		assertThat(map(pod, "nodeSelector")).containsEntry("nvidia.com/gpu.present", "true");
		assertThat(list(pod, "tolerations")).anyMatch((toleration) -> "nvidia.com/gpu".equals(toleration.get("key")));
		assertThat(RenderedChart.strings(container.get("args"))).contains("--tensor-parallel-size=1",
				"--gpu-memory-utilization=0.9", "--enable-prefix-caching");
		int startupSeconds = (Integer) at(container, "startupProbe.periodSeconds")
				* (Integer) at(container, "startupProbe.failureThreshold");
		assertThat(startupSeconds).as("time allowed to load the weights").isGreaterThanOrEqualTo(15 * 60);
		assertThat(list(pod, "volumes"))
			.anyMatch((volume) -> (PREFIX + "vllm-models").equals(at(volume, "persistentVolumeClaim.claimName")));
		assertThat(chart.one("PersistentVolumeClaim", PREFIX + "vllm-models")).isNotNull();

		Map<String, Object> headless = chart.one("Service", PREFIX + "vllm-headless");
		assertThat(at(headless, "spec.clusterIP")).isEqualTo("None");
		String proxyConfig = (String) map(chart.one("ConfigMap", PREFIX + "inference-proxy"), "data")
			.get("application.yaml");
		assertThat(proxyConfig)
			.contains("dns-name: " + PREFIX + "vllm-headless." + RenderedChart.NAMESPACE + ".svc.cluster.local");
	}

	@Test
	void webTiersScaleOnCpuAndMemoryAndTheProxyAndVllmOnQueuesThroughKedaOrPrometheusAdapter() {
		RenderedChart defaults = RenderedChart.render();
		for (String tier : List.of("gateway", "assistant")) {
			Map<String, Object> hpa = defaults.one("HorizontalPodAutoscaler", PREFIX + tier);
			assertThat(at(hpa, "spec.scaleTargetRef.name")).isEqualTo(PREFIX + tier);
			assertThat(defaults.has("Deployment", PREFIX + tier)).isTrue();
			assertThat(list(hpa, "spec.metrics")).extracting((metric) -> at(metric, "resource.name"))
				.containsExactly("cpu", "memory");
			assertThat(at(defaults.one("Deployment", PREFIX + tier), "spec.replicas"))
				.as("the HPA owns the replica count")
				.isNull();
		}
		Map<String, Object> vllmScaler = defaults.one("ScaledObject", PREFIX + "vllm");
		assertThat(at(list(vllmScaler, "spec.triggers").get(0), "metadata.query")).asString()
			.contains("vllm:num_requests_waiting");
		assertThat(defaults.one("ScaledObject", PREFIX + "inference-proxy")).isNotNull();
		assertThat(defaults.has("HorizontalPodAutoscaler", PREFIX + "inference-proxy"))
			.as("KEDA makes the proxy's HPA; a second would fight it")
			.isFalse();

		RenderedChart production = RenderedChart.render("ci/production-values.yaml");
		Map<String, Object> vllmHpa = production.one("HorizontalPodAutoscaler", PREFIX + "vllm");
		assertThat(at(list(vllmHpa, "spec.metrics").get(0), "external.metric.name"))
			.isEqualTo("devassist_vllm_requests_waiting");
		assertThat(production.ofKind("ScaledObject")).isEmpty();
		assertThat(production.one("HorizontalPodAutoscaler", PREFIX + "rag")).isNotNull();
		assertThat(production.one("PodDisruptionBudget", PREFIX + "rag")).isNotNull();
	}

	@Test
	void networkPoliciesDenyByDefaultAndOpenOnlyThePlatformsOwnPaths() {
		RenderedChart chart = RenderedChart.render("ci/small-values.yaml");
		Map<String, Object> deny = chart.one("NetworkPolicy", PREFIX + "default-deny");
		assertThat(at(deny, "spec.policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
		assertThat(at(deny, "spec.ingress")).isNull();

		assertThat(callers(chart, "postgresql")).containsExactlyInAnyOrder("gateway", "assistant", "rag",
				"postgresql-backup");
		assertThat(callers(chart, "redis")).containsExactlyInAnyOrder("gateway", "assistant", "rag");
		assertThat(callers(chart, "simulator")).containsExactly("inference-proxy");
		assertThat(callers(chart, "assistant")).containsExactly("gateway");
		assertThat(callers(chart, "rag")).containsExactlyInAnyOrder("gateway", "assistant");
		Map<String, Object> gateway = chart.one("NetworkPolicy", PREFIX + "gateway");
		assertThat(list(list(gateway, "spec.ingress").get(0), "from"))
			.anyMatch((peer) -> Map.of("kubernetes.io/metadata.name", "ingress-nginx")
				.equals(at(peer, "namespaceSelector.matchLabels")));
		assertThat(egressPorts(chart, "simulator")).as("the simulator calls no one").containsExactly(53, 53);
		Map<String, Object> management = list(gateway, "spec.ingress").get(1);
		assertThat(list(management, "ports").get(0)).containsEntry("port", 9090);
		assertThat(list(management, "from")).as("only Prometheus reaches the management port")
			.singleElement()
			.satisfies((peer) -> assertThat(at(peer, "namespaceSelector.matchLabels"))
				.isEqualTo(Map.of("kubernetes.io/metadata.name", "monitoring")));
		assertThat(egressPorts(chart, "assistant")).contains(8082, 8083, 5432, 6379).doesNotContain(8000);
	}

	@Test
	void theIngressTerminatesTlsAndKeepsStreamsOpenWithoutBuffering() {
		Map<String, Object> ingress = RenderedChart.render().one("Ingress", PREFIX + "gateway");

		assertThat(map(ingress, "metadata.annotations"))
			.containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
			.containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
		assertThat(list(ingress, "spec.tls").get(0)).containsEntry("secretName", "devassist-tls");
	}

	@Test
	void noSecretValueComesFromValuesAndGeneratedPasswordsOutliveTheRelease() {
		RenderedChart defaults = RenderedChart.render();
		for (Map<String, Object> secret : defaults.ofKind("Secret")) {
			assertThat(map(secret, "metadata.annotations")).as(describe(secret) + " is made once, at install")
				.containsEntry(RenderedChart.HOOK, "pre-install")
				.containsEntry("helm.sh/resource-policy", "keep");
		}
		assertThat(defaults.ofKind("Secret")).extracting((secret) -> at(secret, "metadata.name"))
			.containsExactlyInAnyOrder(PREFIX + "postgresql", PREFIX + "redis");

		RenderedChart production = RenderedChart.render("ci/production-values.yaml");
		assertThat(production.ofKind("Secret")).as("production takes every secret from Secrets of its own").isEmpty();
		assertThat(production.ofKind("StatefulSet")).isEmpty();
		Map<String, Object> gateway = list(podSpec(production.one("Deployment", PREFIX + "gateway")), "containers")
			.get(0);
		assertThat(list(gateway, "env"))
			.anyMatch((variable) -> "SPRING_DATASOURCE_PASSWORD".equals(variable.get("name"))
					&& "devassist-postgresql".equals(at(variable, "valueFrom.secretKeyRef.name")))
			.anyMatch((variable) -> "SPRING_SECURITY_OAUTH2_CLIENT_REGISTRATION_SSO_CLIENT_SECRET"
				.equals(variable.get("name")) && "devassist-sso".equals(at(variable, "valueFrom.secretKeyRef.name")));
		assertThat(String.valueOf(gateway.get("image"))).endsWith("/gateway-service:1.4.2");
		assertThat(String.valueOf(
				list(podSpec(production.one("Deployment", PREFIX + "assistant")), "containers").get(0).get("image")))
			.contains("/assistant-service@sha256:");
	}

	@Test
	void monitoringObjectsCarryTheRulesAndDashboardsOfMonitoringAndCanBeSwitchedOff() {
		RenderedChart defaults = RenderedChart.render();
		Map<String, Object> rule = defaults.one("PrometheusRule", PREFIX + "monitoring");
		assertThat(list(rule, "spec.groups")).isNotEmpty();
		assertThat(defaults.ofKind("ServiceMonitor")).extracting((monitor) -> at(monitor, "metadata.name"))
			.contains(PREFIX + "gateway", PREFIX + "assistant", PREFIX + "rag", PREFIX + "inference-proxy",
					PREFIX + "vllm");
		List<Map<String, Object>> dashboards = defaults.ofKind("ConfigMap")
			.stream()
			.filter((configMap) -> "1".equals(at(configMap, "metadata.labels.grafana_dashboard")))
			.toList();
		assertThat(dashboards).hasSizeGreaterThanOrEqualTo(4);

		assertThat(list(defaults.one("ServiceMonitor", PREFIX + "gateway"), "spec.endpoints").get(0))
			.as("metrics from the management port, which needs no token and has no Ingress")
			.containsEntry("port", "management");
		assertThat(list(defaults.one("ServiceMonitor", PREFIX + "inference-proxy"), "spec.endpoints").get(0))
			.containsEntry("port", "http");

		RenderedChart small = RenderedChart.render("ci/small-values.yaml");
		assertThat(small.ofKind("ServiceMonitor")).isEmpty();
		assertThat(small.ofKind("PrometheusRule")).isEmpty();
	}

	@Test
	void aSmallInstallRunsTheSimulatorAndBacksUpPostgresNightly() {
		RenderedChart small = RenderedChart.render("ci/small-values.yaml");

		assertThat(small.has("Deployment", PREFIX + "vllm")).isFalse();
		assertThat(small.has("Deployment", PREFIX + "simulator")).isTrue();
		assertThat(small.ofKind("HorizontalPodAutoscaler")).isEmpty();
		Map<String, Object> backup = small.one("CronJob", PREFIX + "postgresql-backup");
		assertThat(at(backup, "spec.concurrencyPolicy")).isEqualTo("Forbid");
		assertThat(small.one("StatefulSet", PREFIX + "postgresql")).isNotNull();
	}

	@Test
	void helmTestHooksCallTheGatewayAndTheProxy() {
		List<Map<String, Object>> hooks = RenderedChart.render()
			.ofKind("Pod")
			.stream()
			.filter((pod) -> "test".equals(map(pod, "metadata.annotations").get(RenderedChart.HOOK)))
			.toList();

		assertThat(hooks).hasSize(2);
		assertThat(hooks).extracting((pod) -> list(pod, "spec.containers").get(0).get("args").toString())
			.anySatisfy((args) -> assertThat(args).contains(PREFIX + "gateway:8080/api/auth/options"))
			.anySatisfy((args) -> assertThat(args).contains(PREFIX + "inference-proxy:8083"));
	}

	@Test
	void valuesThatCannotWorkAreRefusedWithAReason() {
		assertThatThrownBy(() -> RenderedChart.render(List.of(), Map.of("rag.replicas", 2)))
			.hasMessageContaining("rag.index lucene keeps the index on one pod's volume");
		assertThatThrownBy(() -> RenderedChart.render(List.of(), Map.of("rag.index", "elastic")))
			.hasMessageContaining("rag")
			.hasMessageContaining("index");
		assertThatThrownBy(() -> RenderedChart.render(List.of(), Map.of("postgresql.deploy", false)))
			.hasMessageContaining("host");
		assertThatThrownBy(() -> RenderedChart.render(List.of(), Map.of("gateway.sso.enabled", true)))
			.hasMessageContaining("gateway.sso.existingSecret is required");
		assertThatThrownBy(() -> RenderedChart.render(List.of(),
				Map.of("gateway.sso.enabled", true, "gateway.sso.existingSecret", "sso")))
			.hasMessageContaining("gateway.sso.issuerUri is required");
		assertThatThrownBy(() -> RenderedChart.render(List.of(), Map.of("gateway.replicaz", 3)))
			.hasMessageContaining("replicaz");
	}

	private static Set<String> callers(RenderedChart chart, String component) {
		Map<String, Object> policy = chart.one("NetworkPolicy", PREFIX + component);
		Set<String> callers = new java.util.TreeSet<>();
		for (Map<String, Object> rule : list(policy, "spec.ingress")) {
			for (Map<String, Object> peer : list(rule, "from")) {
				Object caller = at(peer, "podSelector.matchLabels");
				if (caller instanceof Map<?, ?> labels) {
					callers.add(String.valueOf(labels.get("app.kubernetes.io/component")));
				}
			}
		}
		return callers;
	}

	private static List<Integer> egressPorts(RenderedChart chart, String component) {
		return list(chart.one("NetworkPolicy", PREFIX + component), "spec.egress").stream()
			.flatMap((rule) -> list(rule, "ports").stream())
			.map((port) -> (Integer) port.get("port"))
			.toList();
	}

}
