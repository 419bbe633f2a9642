package dev.devassist.gateway.apikey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.devassist.gateway.GatewayProperties;
import dev.devassist.gateway.identity.GatewayPrincipal;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Issues, checks and revokes API keys. A key is {@code dak_} and 43 characters of 256
 * random bits; only the SHA-256 of it is stored. A checked key is remembered for
 * {@code cache-for}, and a revocation is announced on a Redis channel so that every
 * gateway forgets the key at once; while a gateway cannot hear that channel it remembers
 * nothing and reads every key from PostgreSQL.
 */
@Service
public class ApiKeys implements SmartLifecycle {

	/** What every key starts with, so scanners of leaked secrets can recognise them. */
	public static final String MARK = "dak_";

	static final String CHANNEL = "devassist:gateway:revocations";

	private static final Pattern SHAPE = Pattern.compile("dak_[A-Za-z0-9_-]{43}");

	private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:/()-]{1,64}");

	private static final Logger logger = LoggerFactory.getLogger(ApiKeys.class);

	private final ApiKeyRepository repository;

	private final ReactiveStringRedisTemplate redis;

	private final GatewayProperties.ApiKeys settings;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	private final Cache<String, ApiKeyRepository.KeyOwner> checked;

	private final Cache<String, Boolean> recentlyUsed = Caffeine.newBuilder()
		.expireAfterWrite(Duration.ofMinutes(1))
		.maximumSize(100_000)
		.build();

	private final AtomicBoolean listening = new AtomicBoolean();

	private final List<Consumer<String>> forgetting = new CopyOnWriteArrayList<>();

	private volatile @Nullable Disposable subscription;

	ApiKeys(ApiKeyRepository repository, ReactiveStringRedisTemplate redis, GatewayProperties properties, Clock clock) {
		this.repository = repository;
		this.redis = redis;
		this.settings = properties.apiKeys();
		this.clock = clock;
		this.checked = Caffeine.newBuilder().expireAfterWrite(this.settings.cacheFor()).maximumSize(100_000).build();
	}

	/**
	 * Makes a key for a user.
	 * @param owner the user, from their session or an admin key
	 * @param name what to call it
	 * @param scopes what it may do; within the owner's
	 * @param expiresIn how long until it stops working, or null for the longest allowed
	 * @return the key and its secret, which is never shown again
	 */
	public Mono<IssuedKey> create(GatewayPrincipal owner, String name, Set<String> scopes,
			@Nullable Duration expiresIn) {
		check(owner, name, scopes, expiresIn);
		Instant now = this.clock.instant();
		Duration lifetime = (expiresIn != null) ? expiresIn : this.settings.maxLifetime();
		String secret = secret();
		ApiKey key = new ApiKey(id(), owner.tenant(), owner.userId(), name.strip(), secret.substring(0, 12), scopes,
				now, now.plus(lifetime), null, null);
		return Mono.fromCallable(() -> {
			if (this.repository.countLive(owner.tenant(), owner.userId(), now) >= this.settings.maxPerUser()) {
				throw ApiException.conflict("You hold " + this.settings.maxPerUser()
						+ " live API keys, the most allowed; revoke one first.");
			}
			this.repository.insert(key, hash(secret));
			logger.info("API key {} ({}) was created for user {} of tenant {}.", key.id(), key.prefix(), owner.userId(),
					owner.tenant());
			return new IssuedKey(key, secret);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Admits a call made with a key.
	 * @param presented what came after {@code Bearer}
	 * @return the caller; empty when the key is unknown, revoked, expired or its user
	 * disabled
	 */
	public Mono<GatewayPrincipal> authenticate(String presented) {
		if (!SHAPE.matcher(presented).matches()) {
			return Mono.empty();
		}
		String hash = HexFormat.of().formatHex(hash(presented));
		ApiKeyRepository.KeyOwner known = this.listening.get() ? this.checked.getIfPresent(hash) : null;
		Mono<ApiKeyRepository.KeyOwner> owner = (known != null) ? Mono.just(known)
				: Mono.fromCallable(() -> this.repository.findBySecretHash(hash(presented)).orElse(null))
					.subscribeOn(Schedulers.boundedElastic())
					.doOnNext((found) -> remember(hash, found));
		return owner.filter((found) -> found.key().isLive(this.clock.instant()) && !found.userDisabled())
			.doOnNext(this::noteUse)
			.map(ApiKeys::principal);
	}

	/**
	 * The keys a caller may see: their own, or their tenant's for an admin who asks.
	 * @param caller the caller
	 * @param wholeTenant whether an admin asks for every user's keys
	 * @return the keys, newest first
	 */
	public Mono<List<ApiKey>> list(GatewayPrincipal caller, boolean wholeTenant) {
		if (wholeTenant && !caller.isAdmin()) {
			return Mono.error(new ApiException(HttpStatus.FORBIDDEN, "forbidden",
					"Only an admin may list every key of the tenant.", "all"));
		}
		return Mono
			.fromCallable(() -> wholeTenant ? this.repository.listForTenant(caller.tenant())
					: this.repository.listForUser(caller.tenant(), caller.userId()))
			.subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Revokes a key at once, on every gateway.
	 * @param caller its owner, or an admin of its tenant
	 * @param id the key's id
	 * @return completes when PostgreSQL holds the revocation and it was announced
	 */
	public Mono<Void> revoke(GatewayPrincipal caller, String id) {
		return Mono.fromCallable(() -> {
			ApiKey key = this.repository.find(caller.tenant(), id)
				.filter((found) -> found.userId().equals(caller.userId()) || caller.isAdmin())
				.orElseThrow(() -> ApiException.notFound("There is no API key " + id + " of yours."));
			this.repository.revoke(caller.tenant(), key.id(), this.clock.instant());
			logger.info("API key {} was revoked by user {} of tenant {}.", key.id(), caller.userId(), caller.tenant());
			return key.id();
		}).subscribeOn(Schedulers.boundedElastic()).doOnNext(this::forget).flatMap(this::announce).then();
	}

	/**
	 * Forgets every remembered key of a user, on every gateway, as when the user is
	 * disabled.
	 * @param userId the user
	 * @return completes when announced
	 */
	public Mono<Void> forgetUser(String userId) {
		forget("user:" + userId);
		return announce("user:" + userId).then();
	}

	private Mono<Long> announce(String what) {
		return this.redis.convertAndSend(CHANNEL, what).timeout(Duration.ofSeconds(2)).onErrorResume((ex) -> {
			logger.warn("A revocation ({}) could not be announced through Redis ({}); other gateways forget it "
					+ "within {}.", what, ex.getMessage(), this.settings.cacheFor());
			return Mono.just(0L);
		});
	}

	/**
	 * Asks to hear what every gateway is told to forget: {@code user:<id>} for a disabled
	 * user, a key's id, or {@code *} when the channel was lost and nothing remembered can
	 * be trusted.
	 * @param listener called with each
	 */
	public void onForget(Consumer<String> listener) {
		this.forgetting.add(listener);
	}

	/**
	 * Whether this gateway hears revocations, so that what it remembers can be trusted.
	 * @return true while the Redis channel is heard
	 */
	public boolean hearsRevocations() {
		return this.listening.get();
	}

	private void forget(String what) {
		this.forgetting.forEach((listener) -> listener.accept(what));
		if (what.startsWith("user:")) {
			String user = what.substring(5);
			this.checked.asMap().values().removeIf((owner) -> owner.key().userId().equals(user));
		}
		else {
			this.checked.asMap().values().removeIf((owner) -> owner.key().id().equals(what));
		}
	}

	private void remember(String hash, ApiKeyRepository.KeyOwner owner) {
		if (this.listening.get()) {
			this.checked.put(hash, owner);
		}
	}

	private void noteUse(ApiKeyRepository.KeyOwner owner) {
		String id = owner.key().id();
		if (this.recentlyUsed.asMap().putIfAbsent(id, Boolean.TRUE) == null) {
			Mono.fromRunnable(() -> this.repository.markUsed(id, this.clock.instant()))
				.subscribeOn(Schedulers.boundedElastic())
				.subscribe(null, (ex) -> logger.debug("The last use of API key {} was not recorded.", id, ex));
		}
	}

	private static GatewayPrincipal principal(ApiKeyRepository.KeyOwner owner) {
		Set<String> scopes = new HashSet<>(owner.key().scopes());
		if (!owner.roles().contains(GatewayPrincipal.ADMIN)) {
			scopes.remove(GatewayPrincipal.ADMIN);
		}
		return new GatewayPrincipal(owner.key().userId(), owner.username(), owner.key().tenant(), owner.roles(), scopes,
				owner.key().id());
	}

	private void check(GatewayPrincipal owner, String name, Set<String> scopes, @Nullable Duration expiresIn) {
		if (name == null || !NAME.matcher(name.strip()).matches()) {
			throw ApiException.invalid("name",
					"A key's name is 1 to 64 letters, digits, spaces or . _ : / ( ) - characters.");
		}
		if (scopes == null || scopes.isEmpty()) {
			throw ApiException.invalid("scopes", "Give at least one scope of " + GatewayPrincipal.ALL_SCOPES + ".");
		}
		for (String scope : scopes) {
			if (!GatewayPrincipal.ALL_SCOPES.contains(scope)) {
				throw ApiException.invalid("scopes",
						"Unknown scope '" + scope + "'; the scopes are " + GatewayPrincipal.ALL_SCOPES + ".");
			}
			if (!owner.scopes().contains(scope) || (scope.equals(GatewayPrincipal.ADMIN) && !owner.isAdmin())) {
				throw ApiException.invalid("scopes", "You may not give a key the scope '" + scope + "'.");
			}
		}
		if (expiresIn != null && (expiresIn.isNegative() || expiresIn.isZero()
				|| expiresIn.compareTo(this.settings.maxLifetime()) > 0)) {
			throw ApiException.invalid("expiresInDays",
					"A key expires after 1 to " + this.settings.maxLifetime().toDays() + " days.");
		}
	}

	private String secret() {
		byte[] bytes = new byte[32];
		this.random.nextBytes(bytes);
		return MARK + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private String id() {
		byte[] bytes = new byte[10];
		this.random.nextBytes(bytes);
		return "key_" + HexFormat.of().formatHex(bytes);
	}

	static byte[] hash(String secret) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	@Override
	public void start() {
		this.subscription = this.redis.listenToChannelLater(CHANNEL)
			.doOnNext((messages) -> this.listening.set(true))
			.flatMapMany((messages) -> messages)
			.doOnNext((message) -> forget(message.getMessage()))
			.doOnTerminate(this::deaf)
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(10)))
			.repeatWhen((ended) -> ended.delayElements(Duration.ofSeconds(1)))
			.subscribe();
	}

	private void deaf() {
		if (this.listening.getAndSet(false)) {
			logger.warn("Lost the revocation channel; reading every API key from PostgreSQL until it is back.");
		}
		this.checked.invalidateAll();
		this.forgetting.forEach((listener) -> listener.accept("*"));
	}

	@Override
	public void stop() {
		Disposable current = this.subscription;
		if (current != null) {
			current.dispose();
		}
		this.listening.set(false);
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.subscription;
		return current != null && !current.isDisposed();
	}

	/**
	 * A key just made, with the secret shown this once.
	 *
	 * @param key the key
	 * @param secret the whole key, to be sent as {@code Authorization: Bearer <secret>}
	 */
	public record IssuedKey(ApiKey key, String secret) {
	}

}
