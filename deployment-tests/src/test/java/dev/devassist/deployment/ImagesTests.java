package dev.devassist.deployment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The images' recipe, as Jib reads it from the POMs: every service (and the simulator)
 * builds one, from a base pinned by digest, as a numeric non-root user, with JVM sizing
 * that a deployment can replace through JAVA_TOOL_OPTIONS, OCI labels and fixed
 * timestamps, and the port the chart and compose expect.
 */
class ImagesTests {

	private static final Map<String, Integer> SERVICES = Map.of("gateway-service", 8080, "assistant-service", 8081,
			"rag-service", 8082, "inference-proxy", 8083, "vllm-simulator", 8000);

	@Test
	void theSharedRecipePinsTheBaseRunsAsNonRootAndIsReproducible() throws Exception {
		Document root = pom(Path.of("..", "pom.xml"));
		Map<String, String> properties = properties(root);
		Element jib = plugin(first(root, "pluginManagement"), "jib-maven-plugin");

		assertThat(jib).as("jib-maven-plugin in the root POM's pluginManagement").isNotNull();
		assertThat(properties.get("jib.base-image")).as("the base image, pinned by digest")
			.matches("eclipse-temurin:25-jre@sha256:[0-9a-f]{64}");
		Element container = first(jib, "container");
		assertThat(text(container, "user")).as("a numeric non-root user").matches("[1-9][0-9]*:[1-9][0-9]*");
		assertThat(text(first(container, "environment"), "JAVA_TOOL_OPTIONS")).isEqualTo("${jib.jvm-options}");
		assertThat(properties.get("jib.jvm-options")).contains("MaxRAMPercentage").contains("ExitOnOutOfMemoryError");
		assertThat(text(container, "creationTime")).isEqualTo("EPOCH");
		assertThat(text(container, "filesModificationTime")).isEqualTo("EPOCH_PLUS_SECOND");
		Element labels = first(container, "labels");
		assertThat(text(labels, "org.opencontainers.image.version")).isEqualTo("${project.version}");
		assertThat(text(labels, "org.opencontainers.image.revision")).isEqualTo("${git.revision}");
		assertThat(text(first(jib, "to"), "image")).isEqualTo("${jib.registry}/${project.artifactId}:${jib.tag}");
	}

	@Test
	void everyServiceBuildsAnImageThatExposesItsPort() throws Exception {
		for (Map.Entry<String, Integer> service : SERVICES.entrySet()) {
			Document pom = pom(Path.of("..", service.getKey(), "pom.xml"));
			Element build = first(pom.getDocumentElement(), "build");
			Element jib = plugin(first(build, "plugins"), "jib-maven-plugin");
			assertThat(jib).as(service.getKey() + " builds an image").isNotNull();
			List<String> ports = texts(first(first(jib, "container"), "ports"), "port");
			assertThat(ports).as(service.getKey()).containsExactly(String.valueOf(service.getValue()));
		}
	}

	private static Document pom(Path file) throws Exception {
		return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
	}

	private static Map<String, String> properties(Document pom) {
		Map<String, String> properties = new LinkedHashMap<>();
		for (Node node : children(first(pom.getDocumentElement(), "properties"))) {
			properties.put(node.getNodeName(), node.getTextContent().strip());
		}
		return properties;
	}

	private static Element plugin(Element parent, String artifactId) {
		NodeList plugins = parent.getElementsByTagName("plugin");
		for (int i = 0; i < plugins.getLength(); i++) {
			Element plugin = (Element) plugins.item(i);
			if (artifactId.equals(text(plugin, "artifactId"))) {
				return plugin;
			}
		}
		return null;
	}

	private static Element first(Node parent, String name) {
		NodeList found = ((parent instanceof Document document) ? document.getDocumentElement() : (Element) parent)
			.getElementsByTagName(name);
		assertThat(found.getLength()).as("<" + name + ">").isPositive();
		return (Element) found.item(0);
	}

	private static String text(Element parent, String name) {
		return first(parent, name).getTextContent().strip();
	}

	private static List<String> texts(Element parent, String name) {
		List<String> texts = new ArrayList<>();
		NodeList found = parent.getElementsByTagName(name);
		for (int i = 0; i < found.getLength(); i++) {
			texts.add(found.item(i).getTextContent().strip());
		}
		return texts;
	}

	private static List<Node> children(Element parent) {
		List<Node> children = new ArrayList<>();
		NodeList nodes = parent.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
				children.add(nodes.item(i));
			}
		}
		return children;
	}

}
