package dev.devassist.local;

import java.io.IOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in service for the launcher's tests. Its {@code /health} answers 200, it
 * reports the environment it got, and it starts a child of its own that outlives it, as a
 * leaky service would.
 */
final class HealthEndpointStub {

	private HealthEndpointStub() {
	}

	public static void main(String[] args) throws IOException {
		int port = Integer.parseInt(args[0]);
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
		server.createContext("/health", (exchange) -> {
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		server.start();

		Process child = new ProcessBuilder("sleep", "600").start();
		System.out.println("child=" + child.pid());
		System.out.println("datasource=" + System.getenv("SPRING_DATASOURCE_URL"));
		System.out.println(
				"redis=" + System.getenv("SPRING_DATA_REDIS_HOST") + ":" + System.getenv("SPRING_DATA_REDIS_PORT"));
		System.out.println("listening on port " + port);
	}

}
