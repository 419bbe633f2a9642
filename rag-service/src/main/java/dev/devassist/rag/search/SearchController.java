package dev.devassist.rag.search;

import dev.devassist.platform.identity.Caller;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/search}: hybrid search over the caller's sources.
 */
@RestController
@RequestMapping("/api/search")
class SearchController {

	private final HybridSearch search;

	SearchController(HybridSearch search) {
		this.search = search;
	}

	@PostMapping
	Mono<SearchResult> search(@RequestBody SearchRequest request) {
		return Caller.current().flatMap((caller) -> this.search.search(request, caller));
	}

	@GetMapping
	Mono<SearchResult> search(@RequestParam(name = "q", required = false) @Nullable String query,
			@RequestParam(required = false) @Nullable String path,
			@RequestParam(required = false) @Nullable Integer limit) {
		SearchRequest request = new SearchRequest(query, null, path, null, limit, null, null, null, null);
		return Caller.current().flatMap((caller) -> this.search.search(request, caller));
	}

}
