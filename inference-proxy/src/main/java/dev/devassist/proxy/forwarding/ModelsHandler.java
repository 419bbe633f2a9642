package dev.devassist.proxy.forwarding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code GET /v1/models}: every model name the proxy's pools answer to, aliases included.
 */
public final class ModelsHandler {

	private final Map<String, Object> body;

	public ModelsHandler(PoolRegistry pools) {
		long created = System.currentTimeMillis() / 1000;
		List<Map<String, Object>> data = new ArrayList<>();
		for (Pool pool : pools.pools()) {
			data.add(model(pool.model(), pool, created));
			pool.aliases().forEach((alias) -> data.add(model(alias, pool, created)));
		}
		this.body = Map.of("object", "list", "data", List.copyOf(data));
	}

	public Mono<ServerResponse> handle(ServerRequest request) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.body);
	}

	private static Map<String, Object> model(String id, Pool pool, long created) {
		Map<String, Object> model = new LinkedHashMap<>();
		model.put("id", id);
		model.put("object", "model");
		model.put("created", created);
		model.put("owned_by", "devassist");
		model.put("root", pool.model());
		model.put("pool", pool.name());
		model.put("replicas", pool.backends().size());
		return Map.copyOf(model);
	}

}
