package dev.devassist.proxy.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pools by the model names and aliases they answer to.
 */
public final class PoolRegistry {

	private final List<Pool> pools;

	private final Map<String, Pool> byModel;

	/**
	 * Indexes the pools.
	 * @param pools the pools
	 * @throws IllegalArgumentException when two pools claim the same model name
	 */
	public PoolRegistry(List<Pool> pools) {
		this.pools = List.copyOf(pools);
		Map<String, Pool> byModel = new HashMap<>();
		for (Pool pool : pools) {
			for (String name : names(pool)) {
				Pool previous = byModel.putIfAbsent(name, pool);
				if (previous != null) {
					throw new IllegalArgumentException("Model name '" + name + "' is claimed by pools '"
							+ previous.name() + "' and '" + pool.name() + "'");
				}
			}
		}
		this.byModel = Map.copyOf(byModel);
	}

	public List<Pool> pools() {
		return this.pools;
	}

	public Optional<Pool> forModel(String model) {
		return Optional.ofNullable(this.byModel.get(model));
	}

	private static List<String> names(Pool pool) {
		return Stream.concat(Stream.of(pool.model()), pool.aliases().stream()).toList();
	}

}
