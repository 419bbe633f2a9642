package dev.devassist.assistant.grounding;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a question's evidence may come from; absent fields mean all of the caller's.
 *
 * @param sources source ids
 * @param path a glob over paths, e.g. {@code src/**}
 * @param languages language ids
 */
public record Filters(@Nullable List<String> sources, @Nullable String path, @Nullable List<String> languages) {

	/** No filter: all of the caller's sources. */
	public static final Filters NONE = new Filters(null, null, null);

}
