package dev.devassist.rag.source;

import java.util.List;

import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.web.ApiException;
import dev.devassist.rag.RagProperties;
import dev.devassist.rag.ingestion.Job;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.PathContainer;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * {@code /api/sources}: add, list, sync, read and remove sources. Blocking work
 * (PostgreSQL, the store, Tika) runs off the event loop.
 */
@RestController
@RequestMapping("/api/sources")
class SourceController {

	private final Sources sources;

	private final long maxUploadSize;

	SourceController(Sources sources, RagProperties properties) {
		this.sources = sources;
		this.maxUploadSize = properties.ingestion().maxUploadSize().toBytes();
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Sources.Created> addGit(@RequestBody Sources.GitSourceRequest request) {
		return Caller.blocking((caller) -> this.sources.addGit(caller.tenant(), request));
	}

	@PostMapping(path = "/uploads", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Sources.Created> addUpload(@RequestPart(name = "files", required = false) @Nullable Flux<Part> files,
			@RequestPart(name = "name", required = false) @Nullable String name) {
		return parts(files)
			.flatMap((parts) -> Caller.blocking((caller) -> this.sources.addUpload(caller.tenant(), name, parts)));
	}

	@PostMapping(path = "/{id}/files", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<Job> addFiles(@PathVariable String id,
			@RequestPart(name = "files", required = false) @Nullable Flux<Part> files) {
		return parts(files)
			.flatMap((parts) -> Caller.blocking((caller) -> this.sources.addFiles(caller.tenant(), id, parts)));
	}

	@GetMapping
	Mono<List<Source>> list() {
		return Caller.blocking((caller) -> this.sources.list(caller.tenant()));
	}

	@GetMapping("/{id}")
	Mono<Source> find(@PathVariable String id) {
		return Caller.blocking((caller) -> this.sources.find(caller.tenant(), id));
	}

	@GetMapping("/{id}/documents")
	Mono<List<Document>> documents(@PathVariable String id) {
		return Caller.blocking((caller) -> this.sources.documents(caller.tenant(), id));
	}

	@GetMapping("/{id}/files/**")
	Mono<Sources.FileLines> lines(@PathVariable String id, @RequestParam(defaultValue = "1") int start,
			@RequestParam(required = false) @Nullable Integer end, ServerWebExchange exchange) {
		String path = filePath(exchange, id);
		return Caller.blocking((caller) -> this.sources.lines(caller.tenant(), id, path, start, end));
	}

	@PostMapping("/{id}/sync")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<Job> sync(@PathVariable String id) {
		return Caller.blocking((caller) -> this.sources.sync(caller.tenant(), id, Job.Trigger.SYNC));
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> delete(@PathVariable String id) {
		return Caller.blocking((caller) -> {
			this.sources.delete(caller.tenant(), id);
			return Boolean.TRUE;
		}).then();
	}

	private Mono<List<Sources.Part>> parts(@Nullable Flux<Part> files) {
		if (files == null) {
			return Mono
				.error(ApiException.invalid("files", "Send at least one file as a multipart part named 'files'."));
		}
		return files.concatMap(this::bytes)
			.collectList()
			.onErrorMap(DataBufferLimitException.class, (ex) -> new ApiException(HttpStatus.CONTENT_TOO_LARGE,
					"upload-too-large", "The upload is larger than " + this.maxUploadSize + " bytes.", "files"));
	}

	private Mono<Sources.Part> bytes(Part part) {
		if (!(part instanceof FilePart file)) {
			return Mono.error(ApiException.invalid("files", "Part 'files' must carry a file with a file name."));
		}
		return DataBufferUtils.join(file.content(), (int) Math.min(this.maxUploadSize, Integer.MAX_VALUE - 8))
			.map((buffer) -> {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				DataBufferUtils.release(buffer);
				return new Sources.Part(file.filename(), bytes);
			});
	}

	private static String filePath(ServerWebExchange exchange, String id) {
		List<PathContainer.Element> elements = exchange.getRequest().getPath().pathWithinApplication().elements();
		StringBuilder path = new StringBuilder();
		int segment = 0;
		for (PathContainer.Element element : elements) {
			if (!(element instanceof PathContainer.PathSegment value)) {
				continue;
			}
			segment++;
			// /api/sources/{id}/files/<path...>: the path starts at the fifth segment.
			if (segment >= 5) {
				if (!path.isEmpty()) {
					path.append('/');
				}
				path.append(value.valueToMatch());
			}
		}
		if (path.isEmpty()) {
			throw ApiException.invalid("path", "Name a file after /files/.");
		}
		return path.toString();
	}

}
