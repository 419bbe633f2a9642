package dev.devassist.rag.ingestion;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/jobs}: ingestion jobs, their progress as JSON or as a live SSE stream, and
 * cancellation.
 */
@RestController
@RequestMapping("/api/jobs")
class JobController {

	private static final Duration POLL = Duration.ofMillis(500);

	private static final Duration HEARTBEAT = Duration.ofSeconds(15);

	private static final Duration MAX_STREAM = Duration.ofHours(6);

	private final JobRepository jobs;

	JobController(JobRepository jobs) {
		this.jobs = jobs;
	}

	@GetMapping
	Mono<List<JobView>> list(@RequestParam(name = "source", required = false) @Nullable String sourceId,
			@RequestParam(defaultValue = "50") int limit) {
		if (limit < 1 || limit > 500) {
			return Mono.error(ApiException.invalid("limit", "Parameter 'limit' must lie between 1 and 500."));
		}
		return Caller
			.blocking((caller) -> this.jobs.list(caller.tenant(), sourceId, limit).stream().map(JobView::of).toList());
	}

	@GetMapping("/{id}")
	Mono<JobView> find(@PathVariable String id) {
		return Caller.blocking((caller) -> JobView.of(job(caller, id)));
	}

	@PostMapping("/{id}/cancel")
	@ResponseStatus(HttpStatus.ACCEPTED)
	Mono<JobView> cancel(@PathVariable String id) {
		return Caller.blocking((caller) -> {
			Job job = job(caller, id);
			if (!this.jobs.requestCancel(caller.tenant(), id)) {
				throw ApiException.conflict("Job " + id + " has already ended as " + job.status() + ".");
			}
			return JobView.of(job(caller, id));
		});
	}

	/**
	 * Streams a job's progress: a {@code progress} event whenever its counters change, a
	 * comment every 15 s so proxies keep the stream open, and a final {@code done} event.
	 */
	@GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<JobView>> events(@PathVariable String id) {
		return Caller.current()
			.flatMapMany((caller) -> view(caller, id).flatMapMany((first) -> progress(caller, id, first)));
	}

	private Flux<ServerSentEvent<JobView>> progress(Caller caller, String id, JobView first) {
		// The first read, which also answers 404 for a job that is not the caller's, is
		// the
		// first event; polling starts one interval later.
		Flux<JobView> views = Flux
			.concat(Mono.just(first),
					Flux.interval(POLL, POLL).onBackpressureDrop().concatMap((tick) -> view(caller, id)))
			.distinctUntilChanged()
			.takeUntil((view) -> view.status().isFinal())
			.take(MAX_STREAM);
		Flux<ServerSentEvent<JobView>> events = views.map((view) -> ServerSentEvent.builder(view)
			.event(view.status().isFinal() ? "done" : "progress")
			.id(String.valueOf(Objects.hash(view.progress(), view.status())))
			.build());
		Flux<ServerSentEvent<JobView>> heartbeats = Flux.interval(HEARTBEAT)
			.map((tick) -> ServerSentEvent.<JobView>builder().comment("heartbeat").build());
		// The heartbeats never end by themselves: the stream ends with the done event.
		return events.mergeWith(heartbeats).takeUntil((event) -> "done".equals(event.event()));
	}

	private Mono<JobView> view(Caller caller, String id) {
		return Mono.fromCallable(() -> JobView.of(job(caller, id))).subscribeOn(Schedulers.boundedElastic());
	}

	private Job job(Caller caller, String id) {
		return this.jobs.find(caller.tenant(), id)
			.orElseThrow(() -> ApiException.notFound("There is no job " + id + "."));
	}

	/**
	 * A job as callers see it, with its estimated time to finish.
	 *
	 * @param id the job
	 * @param sourceId its source
	 * @param trigger what started it
	 * @param status where it stands
	 * @param progress its counters
	 * @param etaSeconds seconds left at the pace so far, once there is a pace
	 * @param error why it failed, if it did
	 * @param createdAt when it was queued
	 * @param startedAt when it started
	 * @param finishedAt when it ended
	 */
	record JobView(String id, String sourceId, Job.Trigger trigger, Job.Status status, Job.Progress progress,
			@Nullable Long etaSeconds, @Nullable String error, Instant createdAt, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {

		static JobView of(Job job) {
			Long eta = null;
			if (job.status() == Job.Status.RUNNING && job.startedAt() != null) {
				Duration left = job.progress().eta(Duration.between(job.startedAt(), Instant.now()));
				eta = (left != null) ? left.toSeconds() : null;
			}
			return new JobView(job.id(), job.sourceId(), job.trigger(), job.status(), job.progress(), eta, job.error(),
					job.createdAt(), job.startedAt(), job.finishedAt());
		}

	}

}
