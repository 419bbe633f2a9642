package dev.devassist.proxy.forwarding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.devassist.proxy.routing.Pool;
import dev.devassist.proxy.routing.PoolRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/models}: every model name the proxy's pools answer to, aliases included.
 */
public final class ModelsHandler {

	private final byte[] body;

	/**
	 * Lists the pools' models.
	 * @param pools the pools
	 * @param local names of the in-process embedding model, first its own; empty when it
	 * is off
	 */
	public ModelsHandler(PoolRegistry pools, List<String> local) {
		long created = System.currentTimeMillis() / 1000;
		List<Map<String, Object>> data = new ArrayList<>();
		for (Pool pool : pools.pools()) {
			data.add(model(pool.model(), pool.model(), pool.name(), pool.backends().size(), created));
			pool.aliases()
				.forEach((alias) -> data.add(model(alias, pool.model(), pool.name(), pool.backends().size(), created)));
		}
		for (String name : local) {
			data.add(model(name, local.getFirst(), "local", 1, created));
		}
		this.body = JsonMapper.shared().writeValueAsBytes(Map.of("object", "list", "data", data));
	}

	public Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(this.body.length))
			.sendByteArray(Mono.just(this.body))
			.then();
	}

	private static Map<String, Object> model(String id, String root, String pool, int replicas, long created) {
		Map<String, Object> model = new LinkedHashMap<>();
		model.put("id", id);
		model.put("object", "model");
		model.put("created", created);
		model.put("owned_by", "devassist");
		model.put("root", root);
		model.put("pool", pool);
		model.put("replicas", replicas);
		return model;
	}

}
