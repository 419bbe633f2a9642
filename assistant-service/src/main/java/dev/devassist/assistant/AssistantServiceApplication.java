package dev.devassist.assistant;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * assistant-service: conversations, and grounded answers streamed to people and IDEs.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class AssistantServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(AssistantServiceApplication.class, args);
	}

}
