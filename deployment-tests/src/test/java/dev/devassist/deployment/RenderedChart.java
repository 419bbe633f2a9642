package dev.devassist.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The chart rendered by Helm's own template engine (helm-java runs Helm's Go code, no
 * binary needed), as plain maps, with the lookups the tests need.
 *
 * @param objects every rendered object
 */
record RenderedChart(List<Map<String, Object>> objects) {

	static final Path CHART = Path.of("..", "helm", "devassist");

	static final String RELEASE = "devassist";

	static final String NAMESPACE = "assistants";

	/**
	 * Where a hook's annotation shows in what the tests render. helm-java's template
	 * leaves hooks (the test pods, the generated Secrets) out of its output, so the tests
	 * render a copy of the chart whose hook annotations are renamed to this.
	 */
	static final String HOOK = "devassist.dev/helm-hook";

	private static Path renderable;

	/** Kinds from custom resource definitions: checked by the tests, not by a schema. */
	static final Set<String> CUSTOM_KINDS = Set.of("ServiceMonitor", "PrometheusRule", "ScaledObject");

	/**
	 * Renders the chart with the given values files (relative to the chart) and --set
	 * pairs.
	 */
	static RenderedChart render(List<String> valuesFiles, Map<String, Object> set) {
		TemplateCommand template = new Helm(renderable()).template().withName(RELEASE).withNamespace(NAMESPACE);
		for (String file : valuesFiles) {
			Path path = Path.of(file);
			template = template.withValuesFile(path.isAbsolute() ? path : renderable().resolve(file));
		}
		for (Map.Entry<String, Object> entry : set.entrySet()) {
			template = template.set(entry.getKey(), entry.getValue());
		}
		return parse(template.call());
	}

	/** A copy of the chart with hooks made plain objects, and links followed. */
	private static synchronized Path renderable() {
		if (renderable == null) {
			try {
				Path copy = Files.createTempDirectory("devassist-chart").resolve("devassist");
				try (Stream<Path> files = Files.walk(CHART, FileVisitOption.FOLLOW_LINKS)) {
					for (Path file : files.toList()) {
						Path target = copy.resolve(CHART.relativize(file).toString());
						if (Files.isDirectory(file)) {
							Files.createDirectories(target);
						}
						else {
							String text = Files.readString(file);
							if (file.toString().endsWith(".yaml") || file.toString().endsWith(".tpl")) {
								text = text.replace("helm.sh/hook:", HOOK + ":")
									.replace("helm.sh/hook-weight:", HOOK + "-weight:")
									.replace("helm.sh/hook-delete-policy:", HOOK + "-delete-policy:");
							}
							Files.writeString(target, text);
						}
					}
				}
				renderable = copy;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return renderable;
	}

	static RenderedChart render(String... valuesFiles) {
		return render(List.of(valuesFiles), Map.of());
	}

	@SuppressWarnings("unchecked")
	static RenderedChart parse(String manifests) {
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : new Yaml(new LoaderOptions()).loadAll(manifests)) {
			if (document != null) {
				objects.add((Map<String, Object>) document);
			}
		}
		return new RenderedChart(objects);
	}

	List<Map<String, Object>> ofKind(String kind) {
		return this.objects.stream().filter((object) -> kind.equals(object.get("kind"))).toList();
	}

	Map<String, Object> one(String kind, String name) {
		return this.objects.stream()
			.filter((object) -> kind.equals(object.get("kind")) && name.equals(at(object, "metadata.name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " among "
					+ this.objects.stream().map(RenderedChart::describe).toList()));
	}

	boolean has(String kind, String name) {
		return this.objects.stream()
			.anyMatch((object) -> kind.equals(object.get("kind")) && name.equals(at(object, "metadata.name")));
	}

	/** The workloads' pod templates: Deployments, StatefulSets and CronJobs. */
	List<Map<String, Object>> workloads() {
		return this.objects.stream()
			.filter((object) -> Set.of("Deployment", "StatefulSet", "CronJob").contains(object.get("kind")))
			.toList();
	}

	static Map<String, Object> podSpec(Map<String, Object> workload) {
		return "CronJob".equals(workload.get("kind")) ? map(workload, "spec.jobTemplate.spec.template.spec")
				: map(workload, "spec.template.spec");
	}

	static Map<String, Object> podLabels(Map<String, Object> workload) {
		return "CronJob".equals(workload.get("kind")) ? map(workload, "spec.jobTemplate.spec.template.metadata.labels")
				: map(workload, "spec.template.metadata.labels");
	}

	static String describe(Map<String, Object> object) {
		return object.get("kind") + "/" + at(object, "metadata.name");
	}

	/** A dotted path into nested maps; null where any step is missing. */
	static Object at(Object root, String path) {
		Object current = root;
		for (String step : path.split("\\.")) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(step);
		}
		return current;
	}

	@SuppressWarnings("unchecked")
	static Map<String, Object> map(Object root, String path) {
		return (Map<String, Object>) Objects.requireNonNull(at(root, path), path);
	}

	@SuppressWarnings("unchecked")
	static List<Map<String, Object>> list(Object root, String path) {
		Object found = at(root, path);
		return (found != null) ? (List<Map<String, Object>>) found : List.of();
	}

	static List<String> strings(Object list) {
		return ((List<?>) list).stream().map(String::valueOf).toList();
	}

	/**
	 * Checks one object against the Kubernetes API schema, through the model the
	 * Kubernetes Java client generates from it: an unknown field, a missing required one
	 * or a wrong type is an error naming the field.
	 */
	static void validate(Map<String, Object> object) {
		String apiVersion = (String) object.get("apiVersion");
		String kind = (String) object.get("kind");
		String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
		String model = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0))
				+ version.substring(1) + kind;
		JsonElement json = new Gson().toJsonTree(object);
		try {
			Method check = Class.forName(model).getMethod("validateJsonElement", JsonElement.class);
			check.invoke(null, json);
		}
		catch (ClassNotFoundException ex) {
			throw new AssertionError(describe(object) + ": " + apiVersion + " " + kind
					+ " is not in the Kubernetes API this chart is checked against");
		}
		catch (InvocationTargetException ex) {
			throw new AssertionError(
					describe(object) + " does not fit the Kubernetes API schema: " + ex.getCause().getMessage(),
					ex.getCause());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
