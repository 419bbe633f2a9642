package dev.devassist.gateway.routing;

import java.util.List;
import java.util.Map;

import dev.devassist.gateway.GatewayProperties;
import dev.devassist.gateway.identity.GatewayPrincipal;
import dev.devassist.platform.web.ApiException;
import dev.devassist.platform.web.Problems;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.cloud.gateway.support.ConfigurationService;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Token buckets in Redis, through Spring Cloud Gateway's {@link RedisRateLimiter} (one
 * Lua script a bucket, atomic across gateways): one per API key, one per user shared by
 * their keys and sessions, one per client address for logins. A refused call gets 429,
 * {@code Retry-After} and the bucket's {@code X-RateLimit-*} headers; an allowed one gets
 * the headers too. When Redis cannot answer, calls pass: an outage of the limiter must
 * not become an outage of the platform.
 */
@Component
public class RateLimits {

	private static final String KEY = "key";

	private static final String USER = "user";

	private static final String LOGIN = "login";

	private final RedisRateLimiter limiter;

	private final GatewayProperties.RateLimit settings;

	RateLimits(ReactiveStringRedisTemplate redis, RedisScript<List<Long>> redisRequestRateLimiterScript,
			ConfigurationService configurationService, GatewayProperties properties) {
		this.settings = properties.rateLimit();
		this.limiter = new RedisRateLimiter(redis, fixed(redisRequestRateLimiterScript), configurationService);
		this.limiter.getConfig().put(KEY, bucket(this.settings.keyRate(), this.settings.keyBurst()));
		this.limiter.getConfig().put(USER, bucket(this.settings.userRate(), this.settings.userBurst()));
		this.limiter.getConfig().put(LOGIN, bucket(this.settings.loginRate(), this.settings.loginBurst()));
	}

	/**
	 * Takes a token for a caller's call: from its key's bucket and from its user's.
	 * @param caller the caller
	 * @param exchange the call, whose response gets the headers
	 * @return true when the call may pass; false when a 429 has been written
	 */
	Mono<Boolean> admit(GatewayPrincipal caller, ServerWebExchange exchange) {
		if (!this.settings.enabled()) {
			return Mono.just(true);
		}
		Mono<RateLimiter.Response> user = this.limiter.isAllowed(USER, "user:" + caller.userId());
		if (caller.keyId() == null) {
			return user.flatMap((response) -> answer(response, this.settings.userRate(), exchange));
		}
		Mono<RateLimiter.Response> key = this.limiter.isAllowed(KEY, "key:" + caller.keyId());
		return Mono.zip(key, user).flatMap((both) -> {
			RateLimiter.Response tighter = both.getT1().isAllowed() ? both.getT2() : both.getT1();
			int rate = both.getT1().isAllowed() ? this.settings.userRate() : this.settings.keyRate();
			return answer(tighter, rate, exchange);
		});
	}

	/**
	 * Takes a token for a login attempt from the client address's bucket.
	 * @param exchange the attempt
	 * @return true when it may go on; an error answered as 429 when it may not
	 */
	public Mono<Boolean> admitLogin(ServerWebExchange exchange) {
		if (!this.settings.enabled()) {
			return Mono.just(true);
		}
		var address = exchange.getRequest().getRemoteAddress();
		String client = (address != null && address.getAddress() != null) ? address.getAddress().getHostAddress()
				: "unknown";
		return this.limiter.isAllowed(LOGIN, "login:" + client).flatMap((response) -> {
			if (headers(response, exchange)) {
				return Mono.just(true);
			}
			return Mono.error(new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
					"Too many login attempts from your address; retry after the time in Retry-After.", null));
		});
	}

	private Mono<Boolean> answer(RateLimiter.Response response, int rate, ServerWebExchange exchange) {
		if (headers(response, exchange)) {
			return Mono.just(true);
		}
		return Problems
			.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "rate-limited",
					"Too many requests: this key or user may make " + rate
							+ " a second on average. Retry after the time in Retry-After.")
			.thenReturn(false);
	}

	private static boolean headers(RateLimiter.Response response, ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		for (Map.Entry<String, String> header : response.getHeaders().entrySet()) {
			headers.set(header.getKey(), header.getValue());
		}
		if (!response.isAllowed()) {
			// A bucket gains a token at least every second; the header's unit is whole
			// seconds.
			headers.set(HttpHeaders.RETRY_AFTER, "1");
		}
		return response.isAllowed();
	}

	/**
	 * The same script, read once. The bean reads it from a jar resource and checks that
	 * resource's modification time before every call, which cost more CPU than the rest
	 * of a routed call together.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static RedisScript<List<Long>> fixed(RedisScript<List<Long>> script) {
		return (RedisScript) RedisScript.of(script.getScriptAsString(), List.class);
	}

	private static RedisRateLimiter.Config bucket(int rate, int burst) {
		return new RedisRateLimiter.Config().setReplenishRate(rate).setBurstCapacity(Math.max(rate, burst));
	}

}
