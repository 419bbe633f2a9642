package dev.devassist.gateway.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.devassist.gateway.GatewayProperties;
import dev.devassist.gateway.apikey.ApiKeys;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Whether a user may still act: read from PostgreSQL, remembered as long as API keys are,
 * and forgotten on every gateway the moment the user is disabled (the revocation channel
 * that {@link ApiKeys} hears).
 */
@Component
public class ActiveUsers {

	private final AccountRepository repository;

	private final ApiKeys keys;

	private final Cache<String, Boolean> active;

	ActiveUsers(AccountRepository repository, ApiKeys keys, GatewayProperties properties) {
		this.repository = repository;
		this.keys = keys;
		this.active = Caffeine.newBuilder()
			.expireAfterWrite(properties.apiKeys().cacheFor())
			.maximumSize(100_000)
			.build();
		keys.onForget(this::forget);
	}

	/**
	 * Whether a user exists in the tenant and is not disabled.
	 * @param tenant the user's tenant
	 * @param userId the user
	 * @return true when they may act
	 */
	public Mono<Boolean> isActive(String tenant, String userId) {
		Boolean known = this.keys.hearsRevocations() ? this.active.getIfPresent(userId) : null;
		if (known != null) {
			return Mono.just(known);
		}
		return Mono
			.fromCallable(
					() -> this.repository.findUser(tenant, userId).map((account) -> !account.disabled()).orElse(false))
			.subscribeOn(Schedulers.boundedElastic())
			.doOnNext((found) -> {
				if (this.keys.hearsRevocations()) {
					this.active.put(userId, found);
				}
			});
	}

	private void forget(String what) {
		if (what.equals("*")) {
			this.active.invalidateAll();
		}
		else if (what.startsWith("user:")) {
			this.active.invalidate(what.substring(5));
		}
	}

}
