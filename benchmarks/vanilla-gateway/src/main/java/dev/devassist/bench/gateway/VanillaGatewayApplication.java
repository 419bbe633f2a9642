package dev.devassist.bench.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A plain Spring Cloud Gateway with one route to {@code backend.url}, on the same
 * versions as gateway-service: what the gateway benchmark holds gateway-service against.
 */
@SpringBootApplication
public class VanillaGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(VanillaGatewayApplication.class, args);
	}

}
