package dev.devassist.gateway.apikey;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.devassist.gateway.identity.Principals;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys of the caller: create (the secret is in this answer only), list, revoke.
 */
@RestController
@RequestMapping("/api/keys")
class ApiKeyController {

	private final ApiKeys keys;

	ApiKeyController(ApiKeys keys) {
		this.keys = keys;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<CreatedKey> create(@RequestBody NewKey request) {
		Duration expiresIn = (request.expiresInDays() != null) ? Duration.ofDays(request.expiresInDays()) : null;
		return Principals.current()
			.flatMap((caller) -> this.keys.create(caller, request.name(), request.scopes(), expiresIn))
			.map((issued) -> new CreatedKey(issued.key(), issued.secret()));
	}

	@GetMapping
	Mono<List<ApiKey>> list(@RequestParam(defaultValue = "false") boolean all) {
		return Principals.current().flatMap((caller) -> this.keys.list(caller, all));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> revoke(@PathVariable String id) {
		return Principals.current().flatMap((caller) -> this.keys.revoke(caller, id));
	}

	/**
	 * A key to make.
	 *
	 * @param name what to call it
	 * @param scopes what it may do: chat, search, ingest, admin
	 * @param expiresInDays days until it stops working; the longest allowed when absent
	 */
	record NewKey(String name, Set<String> scopes, @Nullable Long expiresInDays) {
	}

	/**
	 * A key just made.
	 *
	 * @param key the key as it is stored
	 * @param secret the key itself, shown this once
	 */
	record CreatedKey(ApiKey key, String secret) {
	}

}
