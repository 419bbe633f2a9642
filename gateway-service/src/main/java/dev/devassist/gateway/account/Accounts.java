package dev.devassist.gateway.account;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.devassist.gateway.GatewayProperties;
import dev.devassist.gateway.apikey.ApiKeys;
import dev.devassist.gateway.identity.GatewayPrincipal;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.context.event.EventListener;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;

/**
 * Users and their passwords: logging in, the first admin, and what admins do with their
 * tenant's users.
 */
@Service
public class Accounts {

	private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{2,64}");

	private static final Pattern TENANT_NAME = Pattern.compile("[\\p{L}\\p{N} ._-]{2,64}");

	private static final int MIN_PASSWORD = 12;

	private static final Logger logger = LoggerFactory.getLogger(Accounts.class);

	private final AccountRepository repository;

	private final PasswordEncoder passwords;

	private final ApiKeys keys;

	private final GatewayProperties.Bootstrap bootstrap;

	private final SecureRandom random = new SecureRandom();

	/**
	 * Compared against when a user name is unknown, so that a miss takes as long as a
	 * hit.
	 */
	private final String decoy;

	private final GatewayProperties.Sso sso;

	Accounts(AccountRepository repository, PasswordEncoder passwords, ApiKeys keys, GatewayProperties properties) {
		this.repository = repository;
		this.passwords = passwords;
		this.keys = keys;
		this.bootstrap = properties.bootstrap();
		this.sso = properties.sso();
		this.decoy = passwords.encode(password());
	}

	/**
	 * Makes the first tenant and its admin when there is no user at all. A generated
	 * password is printed once, on standard output, and nowhere else.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void bootstrap() {
		if (this.repository.anyUser()) {
			return;
		}
		String given = this.bootstrap.adminPassword();
		String password = (given != null && !given.isBlank()) ? given : password();
		Tenant tenant = new Tenant(id("ten_"), this.bootstrap.tenant(), Instant.now());
		Account admin = new Account(id("usr_"), tenant.id(), this.bootstrap.adminUsername(),
				Set.of("member", GatewayPrincipal.ADMIN, GatewayPrincipal.OPERATOR), false, Instant.now());
		try {
			this.repository.insertTenantWithAdmin(tenant, admin, this.passwords.encode(password));
		}
		catch (DuplicateKeyException ex) {
			logger.info("Another gateway made the first tenant and admin while this one started.");
			return;
		}
		logger.info("Made the first tenant '{}' and its admin '{}'.", tenant.name(), admin.username());
		if (given == null || given.isBlank()) {
			System.out.printf(
					"%n=== DevAssist's first admin: user '%s', one-time password: %s ===%n"
							+ "=== It is shown this once; log in at / and keep it safe. ===%n%n",
					admin.username(), password);
		}
	}

	/**
	 * Checks a user's password.
	 * @param username the login name
	 * @param password the password
	 * @return the user's principal with every scope its roles allow; empty when the name
	 * or the password is wrong or the user is disabled
	 */
	public Mono<GatewayPrincipal> login(String username, String password) {
		return Mono.fromCallable(() -> {
			var credentials = this.repository.findCredentials(username).orElse(null);
			if (credentials == null || credentials.passwordHash() == null) {
				// No such user, or one who signs in through single sign-on only: the same
				// answer in the same time as a wrong password.
				this.passwords.matches(password, this.decoy);
				return null;
			}
			boolean matches = this.passwords.matches(password, credentials.passwordHash());
			if (!matches || credentials.account().disabled()) {
				return null;
			}
			return sessionPrincipal(credentials.account());
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Changes the caller's own password, as the first admin should after the first login.
	 * @param caller the logged-in user
	 * @param current their password now
	 * @param chosen the new password
	 * @return completes when changed; an error naming the field otherwise
	 */
	public Mono<Void> changePassword(GatewayPrincipal caller, String current, String chosen) {
		if (chosen == null || chosen.length() < MIN_PASSWORD || chosen.length() > 1024) {
			return Mono
				.error(ApiException.invalid("newPassword", "A password has " + MIN_PASSWORD + " to 1024 characters."));
		}
		return Mono.fromRunnable(() -> {
			var credentials = this.repository.findCredentials(caller.username())
				.filter((found) -> found.account().id().equals(caller.userId()))
				.orElseThrow(() -> ApiException.notFound("Your account no longer exists."));
			if (credentials.passwordHash() == null) {
				throw ApiException.conflict("You sign in through single sign-on; your password is kept there.");
			}
			if (current == null || !this.passwords.matches(current, credentials.passwordHash())) {
				throw ApiException.invalid("currentPassword", "The current password is wrong.");
			}
			this.repository.setPassword(caller.userId(), this.passwords.encode(chosen));
			logger.info("User {} changed their password.", caller.userId());
		}).subscribeOn(Schedulers.boundedElastic()).then();
	}

	/**
	 * Makes a tenant and its first admin, whose generated password is in the answer only.
	 * @param operator an operator of the platform
	 * @param name the tenant's name
	 * @param adminUsername the login name of its first admin
	 * @return the tenant, its admin and the admin's one-time password
	 */
	public Mono<NewTenant> createTenant(GatewayPrincipal operator, String name, String adminUsername) {
		if (!operator.isOperator()) {
			return Mono.error(new ApiException(HttpStatus.FORBIDDEN, "forbidden",
					"Only an operator of the platform may make tenants.", null));
		}
		if (name == null || !TENANT_NAME.matcher(name).matches()) {
			return Mono.error(ApiException.invalid("name",
					"A tenant's name is 2 to 64 letters, digits, spaces or . _ - characters."));
		}
		if (adminUsername == null || !USERNAME.matcher(adminUsername).matches()) {
			return Mono.error(ApiException.invalid("adminUsername",
					"A user name is 2 to 64 letters, digits or . _ @ - characters."));
		}
		String password = password();
		Tenant tenant = new Tenant(id("ten_"), name, Instant.now());
		Account admin = new Account(id("usr_"), tenant.id(), adminUsername, Set.of("member", GatewayPrincipal.ADMIN),
				false, Instant.now());
		return Mono.fromCallable(() -> {
			if (this.repository.tenantNameTaken(name)) {
				throw ApiException.conflict("There is a tenant named '" + name + "' already.");
			}
			if (this.repository.usernameTaken(adminUsername)) {
				throw ApiException.conflict("The user name '" + adminUsername + "' is taken.");
			}
			this.repository.insertTenantWithAdmin(tenant, admin, this.passwords.encode(password));
			logger.info("Tenant {} and its admin {} were made by {}.", tenant.id(), admin.id(), operator.userId());
			return new NewTenant(tenant, admin, password);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Every tenant.
	 * @param operator an operator of the platform
	 * @return the tenants, by name
	 */
	public Mono<List<Tenant>> listTenants(GatewayPrincipal operator) {
		if (!operator.isOperator()) {
			return Mono.error(new ApiException(HttpStatus.FORBIDDEN, "forbidden",
					"Only an operator of the platform may list tenants.", null));
		}
		return Mono.fromCallable(this.repository::listTenants).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * The users of the caller's tenant.
	 * @param admin an admin of the tenant
	 * @return the users, by name
	 */
	public Mono<List<Account>> list(GatewayPrincipal admin) {
		return Mono.fromCallable(() -> this.repository.listUsers(admin.tenant()))
			.subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Makes a user in the admin's tenant.
	 * @param admin an admin of the tenant
	 * @param username the new user's login name
	 * @param password their password, or null to generate one
	 * @param isAdmin whether they administer the tenant too
	 * @return the account and the password when one was generated
	 */
	public Mono<NewAccount> create(GatewayPrincipal admin, String username, @Nullable String password,
			boolean isAdmin) {
		if (username == null || !USERNAME.matcher(username).matches()) {
			return Mono.error(
					ApiException.invalid("username", "A user name is 2 to 64 letters, digits or . _ @ - characters."));
		}
		if (password != null && password.length() < MIN_PASSWORD) {
			return Mono.error(ApiException.invalid("password",
					"A password has at least " + MIN_PASSWORD + " characters; leave it out to have one generated."));
		}
		String chosen = (password != null) ? password : password();
		Set<String> roles = isAdmin ? Set.of("member", GatewayPrincipal.ADMIN) : Set.of("member");
		Account account = new Account(id("usr_"), admin.tenant(), username, roles, false, Instant.now());
		return Mono.fromCallable(() -> {
			if (this.repository.usernameTaken(username)) {
				throw ApiException.conflict("The user name '" + username + "' is taken.");
			}
			this.repository.insertUser(account, this.passwords.encode(chosen));
			logger.info("User {} was made in tenant {} by {}.", account.id(), admin.tenant(), admin.userId());
			return new NewAccount(account, (password == null) ? chosen : null);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	/**
	 * Disables or enables a user of the admin's tenant; a disabled user's keys stop
	 * working at once.
	 * @param admin an admin of the tenant
	 * @param userId the user
	 * @param disabled whether to disable
	 * @return the account as it now is
	 */
	public Mono<Account> setDisabled(GatewayPrincipal admin, String userId, boolean disabled) {
		if (disabled && userId.equals(admin.userId())) {
			return Mono.error(ApiException.conflict("You cannot disable yourself."));
		}
		return Mono.fromCallable(() -> {
			if (!this.repository.setDisabled(admin.tenant(), userId, disabled)) {
				throw ApiException.notFound("There is no user " + userId + " in your tenant.");
			}
			return this.repository.findUser(admin.tenant(), userId).orElseThrow();
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((account) -> this.keys.forgetUser(userId).thenReturn(account));
	}

	/**
	 * Signs in a user the OpenID Connect provider vouches for: their account, made on
	 * their first sign-in in the tenant the settings name, with the admin role while the
	 * provider puts them in the admin group.
	 * @param issuer the provider
	 * @param subject the user's id there
	 * @param preferredName the user name the provider suggests
	 * @param groups the provider's groups of the user
	 * @return the user's principal; empty when their account is disabled
	 */
	public Mono<GatewayPrincipal> ssoLogin(String issuer, String subject, String preferredName,
			Collection<String> groups) {
		return Mono.fromCallable(() -> {
			boolean admin = this.sso.adminGroup() != null && groups.contains(this.sso.adminGroup());
			Set<String> roles = admin ? Set.of("member", GatewayPrincipal.ADMIN) : Set.of("member");
			Account account = this.repository.findBySso(issuer, subject).orElse(null);
			if (account == null) {
				Tenant tenant = ((this.sso.tenant() != null) ? this.repository.findTenantByName(this.sso.tenant())
						: this.repository.firstTenant())
					.orElseThrow(() -> new IllegalStateException(
							"The tenant for single sign-on users, " + this.sso.tenant() + ", does not exist."));
				account = new Account(id("usr_"), tenant.id(), freeUsername(preferredName), roles, false,
						Instant.now());
				this.repository.insertSsoUser(account, issuer, subject);
				logger.info("User {} ({}) joined tenant {} through single sign-on.", account.id(), account.username(),
						tenant.id());
			}
			else if (!account.roles().contains(GatewayPrincipal.OPERATOR) && !account.roles().equals(roles)) {
				this.repository.setRoles(account.id(), roles);
				account = new Account(account.id(), account.tenant(), account.username(), roles, account.disabled(),
						account.createdAt());
			}
			return account.disabled() ? null : sessionPrincipal(account);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private String freeUsername(String preferred) {
		String base = preferred.strip().replaceAll("[^\\p{L}\\p{N}._@-]", "-");
		if (base.isEmpty() || base.length() > 64) {
			base = "sso-user";
		}
		String name = base;
		for (int n = 2; this.repository.usernameTaken(name); n++) {
			name = base + "-" + n;
		}
		return name;
	}

	static GatewayPrincipal sessionPrincipal(Account account) {
		Set<String> scopes = account.roles().contains(GatewayPrincipal.ADMIN) ? GatewayPrincipal.ALL_SCOPES
				: Set.of("chat", "search", "ingest");
		return new GatewayPrincipal(account.id(), account.username(), account.tenant(), account.roles(), scopes, null);
	}

	private String password() {
		byte[] bytes = new byte[15];
		this.random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private String id(String prefix) {
		byte[] bytes = new byte[10];
		this.random.nextBytes(bytes);
		return prefix + HexFormat.of().formatHex(bytes);
	}

	/**
	 * A tenant just made.
	 *
	 * @param tenant the tenant
	 * @param admin its first admin
	 * @param password the admin's one-time password, shown this once
	 */
	public record NewTenant(Tenant tenant, Account admin, String password) {
	}

	/**
	 * A user just made.
	 *
	 * @param account the account
	 * @param password the generated password, shown this once; null when the admin chose
	 * it
	 */
	public record NewAccount(Account account, @Nullable String password) {
	}

}
