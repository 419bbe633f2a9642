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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import static dev.devassist.deployment.RenderedChart.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The GitLab pipeline, read as GitLab reads it: the stages in order, every job in one of
 * them, needs that point backwards and never in a circle, scripts whose commands and
 * files exist in the repository, and deploys that are atomic, serialised and (for
 * production) manual, with a rollback.
 */
class PipelineTests {

	private static final Set<String> KEYWORDS = Set.of("workflow", "stages", "variables", "default", "include", "image",
			"services", "cache", "before_script", "after_script");

	private static Map<String, Object> pipeline;

	private static Map<String, Map<String, Object>> jobs;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void read() throws IOException {
		pipeline = new Yaml(new LoaderOptions()).load(Files.readString(Path.of("..", ".gitlab-ci.yml")));
		jobs = new LinkedHashMap<>();
		for (Map.Entry<String, Object> entry : pipeline.entrySet()) {
			if (!KEYWORDS.contains(entry.getKey())) {
				jobs.put(entry.getKey(), (Map<String, Object>) entry.getValue());
			}
		}
	}

	@Test
	void theStagesRunFromBuildToRollback() {
		assertThat(stages()).containsExactly("build", "test", "images", "chart", "deploy-staging", "deploy-production",
				"rollback");
		for (Map.Entry<String, Map<String, Object>> job : concreteJobs().entrySet()) {
			assertThat(stages()).as(job.getKey() + "'s stage").contains((String) resolved(job.getKey()).get("stage"));
		}
	}

	@Test
	void needsPointAtEarlierOrSameStageJobsAndNeverInACircle() {
		for (String job : concreteJobs().keySet()) {
			for (String need : needs(job)) {
				assertThat(concreteJobs()).as(job + " needs " + need).containsKey(need);
				assertThat(stages().indexOf((String) resolved(need).get("stage")))
					.as(job + " needs " + need + " from a later stage")
					.isLessThanOrEqualTo(stages().indexOf((String) resolved(job).get("stage")));
			}
		}
		Set<String> done = new HashSet<>();
		for (String job : concreteJobs().keySet()) {
			visit(job, new HashSet<>(), done);
		}
	}

	@Test
	void everyScriptCallsCommandsAndFilesThatExist() {
		Pattern repositoryPath = Pattern.compile(
				"(?<![\\w$/.-])((?:\\./)?(?:\\.ci|scripts|deploy|helm|monitoring|docker)" + "/[\\w./-]+|\\./mvnw)");
		Map<String, String> variables = new LinkedHashMap<>();
		((Map<?, ?>) pipeline.get("variables")).forEach((key, value) -> variables.put((String) key, (String) value));
		int checked = 0;
		for (String job : concreteJobs().keySet()) {
			Map<String, Object> definition = resolved(job);
			Map<String, String> scope = new LinkedHashMap<>(variables);
			if (definition.get("variables") instanceof Map<?, ?> own) {
				own.forEach((key, value) -> scope.put((String) key, String.valueOf(value)));
			}
			for (String line : scriptLines(definition)) {
				String expanded = expand(line, scope);
				Matcher matcher = repositoryPath.matcher(expanded);
				while (matcher.find()) {
					Path file = Path.of("..").resolve(matcher.group(1));
					assertThat(file).as(job + ": " + line).exists();
					if (matcher.start() == 0 || expanded.substring(0, matcher.start()).isBlank()) {
						assertThat(Files.isExecutable(file)).as(job + " runs " + file).isTrue();
					}
					checked++;
				}
			}
		}
		assertThat(checked).as("paths checked").isGreaterThan(10);
	}

	@Test
	void deploysAreAtomicSerialisedTestedAndProductionAndRollbackAreManual() {
		String deploy = String.join("\n", scriptLines(resolved("deploy-staging")));
		assertThat(deploy).contains("helm upgrade --install", "--atomic", "--wait", "helm test");
		assertThat(deploy).as("deployed by digest").contains("gateway.image.digest=$GATEWAY_DIGEST");
		assertThat(resolved("deploy-staging").get("resource_group")).isEqualTo("staging");

		Map<String, Object> production = resolved("deploy-production");
		assertThat(production.get("resource_group")).isEqualTo("production");
		assertThat((List<?>) production.get("rules"))
			.allSatisfy((rule) -> assertThat(at(rule, "when")).isEqualTo("manual"));
		assertThat(needs("deploy-production")).contains("deploy-staging");

		Map<String, Object> rollback = resolved("rollback-production");
		assertThat(rollback.get("resource_group")).isEqualTo("production");
		assertThat((List<?>) rollback.get("rules"))
			.allSatisfy((rule) -> assertThat(at(rule, "when")).isEqualTo("manual"));
		assertThat(String.join("\n", scriptLines(rollback))).contains("helm rollback");
	}

	@Test
	void theDeployedValuesRenderWithTheChart() {
		for (String job : List.of("deploy-staging", "deploy-production")) {
			String values = (String) at(resolved(job), "variables.VALUES");
			RenderedChart chart = RenderedChart.render(List.of(Path.of("..", values).toAbsolutePath().toString()),
					Map.of());
			assertThat(chart.objects()).as(values).hasSizeGreaterThan(20);
		}
	}

	@Test
	void mergeRequestsGetOnePipelineAndTestsReportAndCacheInsideTheProject() {
		String workflow = String.valueOf(pipeline.get("workflow"));
		assertThat(workflow).contains("merge_request_event").contains("$CI_OPEN_MERGE_REQUESTS");
		assertThat(String.valueOf(at(pipeline, "variables.MAVEN_OPTS"))).contains("$CI_PROJECT_DIR/.m2");
		assertThat(String.valueOf(at(resolved("test"), "artifacts.reports.junit"))).contains("surefire-reports")
			.contains("failsafe-reports");
		assertThat(scriptLines(resolved("test"))).contains(".ci/run");
		assertThat(String.valueOf(resolved("test-containers").get("services"))).contains("docker");
		assertThat(String.join("\n", scriptLines(resolved("images")))).contains("jib:build")
			.contains("$CI_REGISTRY_IMAGE")
			.contains("$CI_COMMIT_SHA");
	}

	private static List<String> stages() {
		return ((List<?>) pipeline.get("stages")).stream().map(String::valueOf).toList();
	}

	private static Map<String, Map<String, Object>> concreteJobs() {
		Map<String, Map<String, Object>> concrete = new LinkedHashMap<>();
		jobs.forEach((name, job) -> {
			if (!name.startsWith(".")) {
				concrete.put(name, job);
			}
		});
		return concrete;
	}

	/** A job with what it extends merged underneath, as GitLab does. */
	private static Map<String, Object> resolved(String name) {
		Map<String, Object> job = jobs.get(name);
		Map<String, Object> merged = new LinkedHashMap<>();
		if (job.get("extends") instanceof String parent) {
			merged.putAll(resolved(parent));
		}
		job.forEach((key, value) -> {
			if (value instanceof Map<?, ?> map && merged.get(key) instanceof Map<?, ?> inherited) {
				Map<Object, Object> both = new LinkedHashMap<>(inherited);
				both.putAll(map);
				merged.put(key, both);
			}
			else {
				merged.put(key, value);
			}
		});
		return merged;
	}

	private static List<String> needs(String job) {
		List<String> needs = new ArrayList<>();
		if (resolved(job).get("needs") instanceof List<?> list) {
			for (Object need : list) {
				needs.add((need instanceof Map<?, ?> map) ? String.valueOf(map.get("job")) : String.valueOf(need));
			}
		}
		return needs;
	}

	private static void visit(String job, Set<String> path, Set<String> done) {
		assertThat(path.add(job)).as("needs form a circle through " + path).isTrue();
		if (done.add(job)) {
			for (String need : needs(job)) {
				visit(need, path, done);
			}
		}
		path.remove(job);
	}

	private static List<String> scriptLines(Map<String, Object> job) {
		List<String> lines = new ArrayList<>();
		for (String key : List.of("before_script", "script", "after_script")) {
			if (job.get(key) instanceof List<?> list) {
				list.forEach((line) -> lines.add(String.valueOf(line).strip()));
			}
		}
		return lines;
	}

	private static String expand(String line, Map<String, String> variables) {
		String expanded = line;
		for (int round = 0; round < 3; round++) {
			for (Map.Entry<String, String> variable : variables.entrySet()) {
				expanded = expanded.replace("$" + variable.getKey(), variable.getValue());
			}
		}
		return expanded;
	}

}
