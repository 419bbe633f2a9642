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

	/** Netty's switch for its buffer leak detector. */
	static final String LEAK_DETECTION = "io.netty.leakDetection.level";

	public static void main(String[] args) {
		// The leak detector records a stack trace for one buffer in 128, which under load
		// cost more than the proxy's own routing. Tests, which start the application
		// without this method, keep it on; -Dio.netty.leakDetection.level=simple turns it
		// back on here.
		if (System.getProperty(LEAK_DETECTION) == null) {
			System.setProperty(LEAK_DETECTION, "disabled");
		}
		SpringApplication.run(InferenceProxyApplication.class, args);
	}

}
