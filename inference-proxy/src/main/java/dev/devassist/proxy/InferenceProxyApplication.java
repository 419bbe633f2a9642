package dev.devassist.proxy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The inference proxy, in front of pools of vLLM replicas.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceProxyApplication {

	public static void main(String[] args) {
		SpringApplication.run(InferenceProxyApplication.class, args);
	}

}
