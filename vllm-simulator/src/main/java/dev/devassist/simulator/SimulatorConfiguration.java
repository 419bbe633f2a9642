package dev.devassist.simulator;

import dev.devassist.simulator.api.SimulatorServer;
import dev.devassist.simulator.engine.Engine;
import dev.devassist.simulator.engine.EngineClock;
import dev.devassist.simulator.engine.EngineConfig;
import dev.devassist.simulator.faults.Faults;
import dev.devassist.simulator.generation.ResponsePlanner;
import dev.devassist.simulator.generation.ResponseScript;
import dev.devassist.simulator.metrics.VllmMetrics;
import dev.devassist.simulator.tokens.Tokenizer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the engine, its metrics and the HTTP server from {@link SimulatorProperties}.
 */
@Configuration(proxyBeanMethods = false)
class SimulatorConfiguration {

	@Bean
	PrometheusRegistry prometheusRegistry() {
		return new PrometheusRegistry();
	}

	@Bean(destroyMethod = "close")
	PrometheusMeterRegistry meterRegistry(PrometheusRegistry prometheusRegistry) {
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheusRegistry,
				Clock.SYSTEM);
		new JvmMemoryMetrics().bindTo(registry);
		new JvmGcMetrics().bindTo(registry);
		new JvmThreadMetrics().bindTo(registry);
		new ClassLoaderMetrics().bindTo(registry);
		new ProcessorMetrics().bindTo(registry);
		new UptimeMetrics().bindTo(registry);
		return registry;
	}

	@Bean
	EngineConfig engineConfig(SimulatorProperties properties) {
		return new EngineConfig(properties.maxNumSeqs(), properties.maxNumBatchedTokens(), properties.blockSize(),
				properties.numGpuBlocks(), properties.enablePrefixCaching());
	}

	@Bean
	VllmMetrics vllmMetrics(PrometheusRegistry prometheusRegistry, SimulatorProperties properties,
			EngineConfig engineConfig) {
		return new VllmMetrics(prometheusRegistry, properties.model(), engineConfig, properties.maxModelLen(),
				properties.legacyMetrics());
	}

	@Bean(destroyMethod = "close")
	Engine engine(EngineConfig engineConfig, SimulatorProperties properties, VllmMetrics metrics) {
		Engine engine = new Engine(engineConfig, properties.latencyModel(), EngineClock.SYSTEM, metrics);
		engine.start();
		return engine;
	}

	@Bean
	Faults faults(SimulatorProperties properties) {
		return new Faults(properties.faults());
	}

	@Bean
	ResponsePlanner responsePlanner(SimulatorProperties properties) {
		ResponseScript script = (properties.script() != null) ? ResponseScript.load(properties.script())
				: ResponseScript.EMPTY;
		return new ResponsePlanner(new Tokenizer(), properties.responseMode(), script);
	}

	@Bean
	SimulatorServer simulatorServer(SimulatorProperties properties, Engine engine, ResponsePlanner planner,
			VllmMetrics metrics, Faults faults, PrometheusRegistry prometheusRegistry,
			PrometheusMeterRegistry meterRegistry) {
		return new SimulatorServer(properties, engine, planner, metrics, faults, prometheusRegistry, meterRegistry);
	}

}
