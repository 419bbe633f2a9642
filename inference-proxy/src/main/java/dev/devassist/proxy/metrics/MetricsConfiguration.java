package dev.devassist.proxy.metrics;

import java.util.Map;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Gives Spring's HTTP server meters the help text that Prometheus' linter asks of every
 * metric; the observations that create them carry none.
 */
@Configuration(proxyBeanMethods = false)
class MetricsConfiguration {

	private static final Map<String, String> DESCRIPTIONS = Map.of("http.server.requests",
			"Duration of HTTP server request handling", "http.server.requests.active",
			"HTTP server requests in flight");

	@Bean
	MeterFilter httpServerDescriptions() {
		return new MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				String description = DESCRIPTIONS.get(id.getName());
				if (description == null || id.getDescription() != null) {
					return id;
				}
				return new Meter.Id(id.getName(), Tags.of(id.getTags()), id.getBaseUnit(), description, id.getType());
			}

		};
	}

}
