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

	public ModelsHandler(PoolRegistry pools) {
		long created = System.currentTimeMillis() / 1000;
		List<Map<String, Object>> data = new ArrayList<>();
		for (Pool pool : pools.pools()) {
			data.add(model(pool.model(), pool, created));
			pool.aliases().forEach((alias) -> data.add(model(alias, pool, created)));
		}
		this.body = JsonMapper.shared().writeValueAsBytes(Map.of("object", "list", "data", data));
	}

	public Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(this.body.length))
			.sendByteArray(Mono.just(this.body))
			.then();
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
		return model;
	}

}
