package dev.devassist.gateway.account;

import java.util.List;

import dev.devassist.gateway.identity.Principals;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the platform's operators do with tenants: list them, and make one with its first
 * admin.
 */
@RestController
@RequestMapping("/api/admin/tenants")
class TenantController {

	private final Accounts accounts;

	TenantController(Accounts accounts) {
		this.accounts = accounts;
	}

	@GetMapping
	Mono<List<Tenant>> list() {
		return Principals.current().flatMap(this.accounts::listTenants);
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Accounts.NewTenant> create(@RequestBody NewTenantRequest request) {
		return Principals.current()
			.flatMap((operator) -> this.accounts.createTenant(operator, request.name(), request.adminUsername()));
	}

	/**
	 * A tenant to make.
	 *
	 * @param name its name
	 * @param adminUsername the login name of its first admin
	 */
	record NewTenantRequest(String name, String adminUsername) {
	}

}
