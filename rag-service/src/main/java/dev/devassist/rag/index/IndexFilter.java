package dev.devassist.rag.index;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a search may return. The tenant is not optional: every index query is scoped by
 * it.
 *
 * @param tenant the caller's tenant
 * @param sourceIds the sources to search, or empty for all of the tenant's
 * @param pathGlob a glob over paths such as {@code src/**}{@code /*.java}, or none
 * @param languages the language ids to keep, or empty for all
 */
public record IndexFilter(String tenant, Set<String> sourceIds, @Nullable PathGlob pathGlob, Set<String> languages) {

	public IndexFilter {
		if (tenant.isBlank()) {
			throw new IllegalArgumentException("An index query needs a tenant");
		}
		sourceIds = Set.copyOf(sourceIds);
		languages = Set.copyOf(languages);
	}

	/**
	 * Everything of one tenant.
	 * @param tenant the tenant
	 * @return the filter
	 */
	public static IndexFilter tenant(String tenant) {
		return new IndexFilter(tenant, Set.of(), null, Set.of());
	}

}
