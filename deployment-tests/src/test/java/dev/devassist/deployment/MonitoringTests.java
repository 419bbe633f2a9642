package dev.devassist.deployment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.devassist.deployment.RenderedChart.at;
import static dev.devassist.deployment.RenderedChart.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monitoring as code: the alert rules pass promtool's checks and their unit tests, every
 * alert has a severity, a runbook that exists and a test that makes it fire and one that
 * keeps it quiet; Alertmanager's routing is valid; every dashboard is well formed and
 * every query in it parses.
 */
class MonitoringTests {

	static final Path MONITORING = Path.of("..", "monitoring");

	static final Path RULES = MONITORING.resolve("alerts/devassist-alerts.yaml");

	static final Path RULE_TESTS = MONITORING.resolve("alerts/devassist-alerts.test.yaml");

	@Test
	void promtoolAcceptsTheRules() {
		Tools.require("promtool", "prometheus");

		Tools.Outcome check = Tools.run("promtool", "check", "rules", "monitoring/alerts/devassist-alerts.yaml");

		assertThat(check.status()).as(check.output()).isZero();
	}

	@Test
	void everyRuleUnitTestPasses() {
		Tools.require("promtool", "prometheus");

		Tools.Outcome test = Tools.run("promtool", "test", "rules", "monitoring/alerts/devassist-alerts.test.yaml");

		assertThat(test.status()).as(test.output()).isZero();
		assertThat(test.output()).contains("SUCCESS");
	}

	@Test
	void everyAlertHasASeverityAnExplanationAndARunbookThatExists() throws IOException {
		List<Map<String, Object>> alerts = alerts();

		assertThat(alerts).hasSizeGreaterThanOrEqualTo(15);
		for (Map<String, Object> alert : alerts) {
			String name = (String) alert.get("alert");
			assertThat(at(alert, "labels.severity")).as(name).isIn("P0", "P1", "P2", "P3");
			assertThat((String) at(alert, "annotations.summary")).as(name).isNotBlank();
			assertThat((String) at(alert, "annotations.description")).as(name).isNotBlank();
			String runbook = (String) at(alert, "annotations.runbook_url");
			assertThat(runbook).as(name).contains("/monitoring/runbooks/");
			Path file = MONITORING.resolve(runbook.substring(runbook.indexOf("/monitoring/runbooks/") + 12));
			assertThat(file).as(name + "'s runbook").exists();
			assertThat(Files.readString(file)).as(name + "'s runbook").hasSizeGreaterThan(300);
		}
		assertThat(alerts).extracting((alert) -> at(alert, "labels.severity"))
			.as("the severities in use")
			.contains("P0", "P1", "P2");
	}

	@Test
	void theAlertsCoverWhatTheOnCallEngineerMustKnow() throws IOException {
		String rules = Files.readString(RULES);

		for (String signal : List.of("up", "http_server_requests_seconds_bucket", "process_cpu_usage",
				"container_memory_working_set_bytes", "kubelet_volume_stats_used_bytes", "DCGM_FI_DEV_FB_USED",
				"inference_objective_request_ttft_seconds_bucket", "inference_pool_average_queue_size",
				"vllm:kv_cache_usage_perc", "inference_pool_ready_pods", "rag_ingestion_queue_lag_seconds")) {
			assertThat(rules).as("a rule reads " + signal).contains(signal);
		}
		assertThat(rules).as("a burn-rate alert over two windows").containsPattern("(?s)14\\.4.*6");
	}

	@Test
	void everyAlertIsTestedFiringAndQuiet() throws IOException {
		Set<String> names = new TreeSet<>();
		alerts().forEach((alert) -> names.add((String) alert.get("alert")));
		Map<String, Object> tests = new Yaml(new LoaderOptions()).load(Files.readString(RULE_TESTS));
		Set<String> firing = new HashSet<>();
		Set<String> quiet = new HashSet<>();
		for (Map<String, Object> test : list(tests, "tests")) {
			for (Map<String, Object> expectation : list(test, "alert_rule_test")) {
				String name = (String) expectation.get("alertname");
				if (list(expectation, "exp_alerts").isEmpty()) {
					quiet.add(name);
				}
				else {
					firing.add(name);
				}
			}
		}

		assertThat(firing).as("alerts shown to fire").containsAll(names);
		assertThat(quiet).as("alerts shown to stay quiet").containsAll(names);
	}

	@Test
	void alertmanagerRoutesEverySeverityAndItsConfigurationIsValid() throws IOException {
		Path config = MONITORING.resolve("alertmanager/alertmanager.yaml");
		String text = Files.readString(config);
		for (String severity : List.of("P0", "P1", "P2", "P3")) {
			assertThat(text).as("a route for " + severity).contains(severity);
		}
		assertThat(text).as("no secret inline: receivers read them from files")
			.doesNotContainPattern("(?i)(routing_key|api_key|password|service_key)\\s*:\\s*[^\\s]");

		Tools.require("amtool", "prometheus-alertmanager");
		Tools.Outcome check = Tools.run("amtool", "check-config", "monitoring/alertmanager/alertmanager.yaml");
		assertThat(check.status()).as(check.output()).isZero();
	}

	@Test
	void everyDashboardIsWellFormedWithAStableUidAndADatasourceVariable() throws IOException {
		Set<String> uids = new HashSet<>();
		List<Path> dashboards = dashboards();

		assertThat(dashboards).hasSizeGreaterThanOrEqualTo(4);
		for (Path file : dashboards) {
			JsonNode dashboard = JsonMapper.shared().readTree(file.toFile());
			String uid = dashboard.path("uid").asString();
			assertThat(uid).as(file + " has a uid").startsWith("devassist-");
			assertThat(uids.add(uid)).as("uid " + uid + " is unique").isTrue();
			boolean datasourceVariable = false;
			for (JsonNode variable : dashboard.path("templating").path("list")) {
				datasourceVariable |= variable.path("name").asString().equals("datasource")
						&& variable.path("type").asString().equals("datasource")
						&& variable.path("query").asString().equals("prometheus");
			}
			assertThat(datasourceVariable).as(file + " has a prometheus datasource variable").isTrue();
			for (JsonNode panel : panels(dashboard)) {
				if (!panel.path("type").asString().equals("row")) {
					assertThat(panel.path("datasource").path("uid").asString()).as(file + ": " + panel.path("title"))
						.isEqualTo("${datasource}");
				}
			}
		}
	}

	@Test
	void everyDashboardQueryParses() throws IOException {
		Tools.require("promtool", "prometheus");
		Map<String, String> queries = new LinkedHashMap<>();
		for (Path file : dashboards()) {
			JsonNode dashboard = JsonMapper.shared().readTree(file.toFile());
			for (JsonNode panel : panels(dashboard)) {
				for (JsonNode target : panel.path("targets")) {
					if (target.hasNonNull("expr")) {
						queries.put(file.getFileName() + ": " + panel.path("title").asString() + " / "
								+ target.path("refId").asString(), target.path("expr").asString());
					}
				}
			}
		}
		assertThat(queries).hasSizeGreaterThan(40);

		// promtool parses PromQL inside rule files: each query becomes a recording rule,
		// with Grafana's variables replaced by values of the same kind.
		StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
		int n = 0;
		for (String query : queries.values()) {
			rules.append("      - record: dashboard_query_")
				.append(n++)
				.append("\n        expr: ")
				.append(JsonMapper.shared().writeValueAsString(grafanaVariablesReplaced(query)))
				.append('\n');
		}
		Path file = Files.createTempFile("dashboard-queries", ".yaml");
		Files.writeString(file, rules);
		Tools.Outcome check = Tools.run("promtool", "check", "rules", file.toAbsolutePath().toString());

		assertThat(check.status()).as(check.output()).isZero();
	}

	static List<Map<String, Object>> alerts() throws IOException {
		Map<String, Object> rules = new Yaml(new LoaderOptions()).load(Files.readString(RULES));
		List<Map<String, Object>> alerts = new ArrayList<>();
		for (Map<String, Object> group : list(rules, "groups")) {
			for (Map<String, Object> rule : list(group, "rules")) {
				if (rule.containsKey("alert")) {
					alerts.add(rule);
				}
			}
		}
		return alerts;
	}

	static List<Path> dashboards() throws IOException {
		try (Stream<Path> files = Files.list(MONITORING.resolve("grafana/dashboards"))) {
			return files.filter((file) -> file.toString().endsWith(".json")).sorted().toList();
		}
	}

	static List<JsonNode> panels(JsonNode dashboard) {
		List<JsonNode> panels = new ArrayList<>();
		for (JsonNode panel : dashboard.path("panels")) {
			panels.add(panel);
			panel.path("panels").forEach(panels::add);
		}
		return panels;
	}

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)(?::\\w+)?}?");

	/** Grafana's variables, replaced so that the query is plain PromQL again. */
	static String grafanaVariablesReplaced(String query) {
		Matcher matcher = VARIABLE.matcher(query);
		StringBuilder plain = new StringBuilder();
		while (matcher.find()) {
			String replacement = switch (matcher.group(1)) {
				case "__rate_interval", "__interval", "__range" -> "5m";
				case "__range_s", "__interval_ms" -> "300";
				default -> ".*";
			};
			matcher.appendReplacement(plain, Matcher.quoteReplacement(replacement));
		}
		matcher.appendTail(plain);
		return plain.toString();
	}

}
