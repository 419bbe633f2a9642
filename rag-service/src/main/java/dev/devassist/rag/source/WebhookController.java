package dev.devassist.rag.source;

import java.util.Map;

import dev.devassist.platform.web.ApiException;
import dev.devassist.rag.ingestion.Job;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/webhooks/gitlab/{sourceId}}: GitLab's push events. GitLab cannot carry
 * the gateway's token, so this route authenticates by the source's own secret, which
 * GitLab sends as {@code X-Gitlab-Token}; a wrong or missing secret and an unknown source
 * get the same 401, so the route reveals nothing about which sources exist.
 */
@RestController
class WebhookController {

	private static final String PUSH = "Push Hook";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Sources sources;

	WebhookController(Sources sources) {
		this.sources = sources;
	}

	@PostMapping("/api/webhooks/gitlab/{sourceId}")
	Mono<ResponseEntity<Map<String, Object>>> push(@PathVariable String sourceId,
			@RequestHeader(name = "X-Gitlab-Token", required = false) @Nullable String token,
			@RequestHeader(name = "X-Gitlab-Event", required = false) @Nullable String event,
			@RequestBody(required = false) byte @Nullable [] body) {
		return Mono.fromCallable(() -> handle(sourceId, token, event, body)).subscribeOn(Schedulers.boundedElastic());
	}

	private ResponseEntity<Map<String, Object>> handle(String sourceId, @Nullable String token, @Nullable String event,
			byte @Nullable [] body) {
		Source source = this.sources.webhookSource(sourceId, token);
		if (source == null) {
			throw new ApiException(HttpStatus.UNAUTHORIZED, "webhook-token",
					"The X-Gitlab-Token header does not match this source's webhook secret.", null);
		}
		if (!PUSH.equals(event)) {
			return ResponseEntity.ok(Map.of("ignored", "Only push events trigger a sync, not '" + event + "'."));
		}
		String ref = ref(body);
		if (source.branch() != null && !ref.equals("refs/heads/" + source.branch())) {
			return ResponseEntity.ok(Map.of("ignored", "The push is to " + ref + ", not to " + source.branch() + "."));
		}
		Job job = this.sources.sync(source.tenant(), source.id(), Job.Trigger.WEBHOOK);
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("job", job.id()));
	}

	private static String ref(byte @Nullable [] body) {
		if (body == null || body.length == 0) {
			return "";
		}
		try {
			return JSON.readTree(body).path("ref").asString("");
		}
		catch (JacksonException ex) {
			throw ApiException.invalid("body", "The push event is not valid JSON.");
		}
	}

}
