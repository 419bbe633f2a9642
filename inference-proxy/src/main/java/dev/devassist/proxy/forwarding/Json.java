package dev.devassist.proxy.forwarding;

import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the forwarding code. Its buffers are recycled per thread: every
 * request is parsed on a Netty event loop, a fixed set of platform threads, and Jackson's
 * default pool, a concurrent deque shared by all threads, showed as a hot spot under
 * load.
 */
final class Json {

	static final JsonMapper MAPPER = JsonMapper
		.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build())
		.build();

	private Json() {
	}

}
