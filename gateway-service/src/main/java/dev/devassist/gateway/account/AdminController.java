package dev.devassist.gateway.account;

import java.util.List;

import dev.devassist.gateway.identity.Principals;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a tenant's admins do with its users: list, add, disable and enable them.
 */
@RestController
@RequestMapping("/api/admin/users")
class AdminController {

	private final Accounts accounts;

	AdminController(Accounts accounts) {
		this.accounts = accounts;
	}

	@GetMapping
	Mono<List<Account>> list() {
		return Principals.current().flatMap(this.accounts::list);
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Accounts.NewAccount> create(@RequestBody NewUser user) {
		return Principals.current()
			.flatMap((admin) -> this.accounts.create(admin, user.username(), user.password(),
					Boolean.TRUE.equals(user.admin())));
	}

	@PatchMapping("/{id}")
	Mono<Account> update(@PathVariable String id, @RequestBody UserChange change) {
		if (change.disabled() == null) {
			return Mono.error(ApiException.invalid("disabled", "Say whether the user is disabled: true or false."));
		}
		return Principals.current().flatMap((admin) -> this.accounts.setDisabled(admin, id, change.disabled()));
	}

	/**
	 * A user to add.
	 *
	 * @param username the login name
	 * @param password the password, or null to have one generated and shown once
	 * @param admin whether they administer the tenant
	 */
	record NewUser(String username, @Nullable String password, @Nullable Boolean admin) {
	}

	/**
	 * A change to a user.
	 *
	 * @param disabled whether they may no longer log in or use their keys
	 */
	record UserChange(@Nullable Boolean disabled) {
	}

}
