package dev.devassist.local;

import java.util.List;

/**
 * The services that make up the platform, in the order they start. Ports and health paths
 * follow the design brief; adding a service is one line here.
 */
final class PlatformServices {

	/** Where a Spring Boot service says it is ready to take traffic. */
	static final String ACTUATOR_READINESS = "/actuator/health/readiness";

	// The gateway and assistant-service (8080, 8081) join as module(name, port,
	// ACTUATOR_READINESS) once their modules exist.
	static final List<ServiceDefinition> ALL = List.of(ServiceDefinition.module("vllm-simulator", 8000, "/health"),
			ServiceDefinition.module("inference-proxy", 8083, ACTUATOR_READINESS),
			ServiceDefinition.module("rag-service", 8082, ACTUATOR_READINESS));

	private PlatformServices() {
	}

}
