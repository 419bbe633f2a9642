package dev.devassist.local;

import java.util.List;

/**
 * The services that make up the platform, in the order they start. Ports and health paths
 * follow the design brief; adding a service is one line here.
 */
final class PlatformServices {

	/** Where a Spring Boot service says it is ready to take traffic. */
	static final String ACTUATOR_READINESS = "/actuator/health/readiness";

	static final List<ServiceDefinition> ALL = List.of(ServiceDefinition.module("vllm-simulator", 8000, "/health"),
			ServiceDefinition.module("inference-proxy", 8083, ACTUATOR_READINESS),
			// Lucene's vector search uses SIMD through the incubating Vector API;
			// tree-sitter's grammars are native code.
			ServiceDefinition.module("rag-service", 8082, ACTUATOR_READINESS, "--add-modules=jdk.incubator.vector",
					"--enable-native-access=ALL-UNNAMED"),
			ServiceDefinition.module("assistant-service", 8081, ACTUATOR_READINESS),
			ServiceDefinition.module("gateway-service", 8080, ACTUATOR_READINESS));

	private PlatformServices() {
	}

}
