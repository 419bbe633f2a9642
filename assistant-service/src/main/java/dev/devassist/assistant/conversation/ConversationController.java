package dev.devassist.assistant.conversation;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.web.ApiException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The conversations API: a user's own conversations, and nobody else's.
 */
@RestController
@RequestMapping("/api/conversations")
class ConversationController {

	static final int MAX_TITLE_LENGTH = 200;

	private static final int MAX_PAGE = 100;

	private static final Set<String> RATINGS = Set.of("up", "down");

	private final ConversationRepository conversations;

	ConversationController(ConversationRepository conversations) {
		this.conversations = conversations;
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<Conversation> create(@RequestBody(required = false) @Nullable TitleRequest request) {
		String title = (request != null && request.title() != null) ? title(request.title()) : "New conversation";
		return Caller.blocking((caller) -> this.conversations.create(owner(caller), title));
	}

	@GetMapping
	Mono<Page> list(@RequestParam(required = false) @Nullable String q,
			@RequestParam(required = false) @Nullable String before, @RequestParam(defaultValue = "30") int limit) {
		if (limit < 1 || limit > MAX_PAGE) {
			throw ApiException.invalid("limit", "Parameter 'limit' must be between 1 and " + MAX_PAGE + ".");
		}
		String search = (q != null && !q.isBlank()) ? q.strip() : null;
		if (search != null && search.length() > 200) {
			throw ApiException.invalid("q", "Parameter 'q' may have at most 200 characters.");
		}
		ConversationRepository.Cursor cursor = cursor(before);
		return Caller.blocking((caller) -> {
			List<Conversation> page = this.conversations.list(owner(caller), search, cursor, limit);
			String next = (page.size() == limit) ? page.getLast().updatedAt() + "," + page.getLast().id() : null;
			return new Page(page, next);
		});
	}

	@GetMapping("/{id}")
	Mono<Transcript> read(@PathVariable String id) {
		return Caller.blocking((caller) -> transcript(caller, id));
	}

	@GetMapping(path = "/{id}/export", produces = "text/markdown")
	Mono<ResponseEntity<String>> export(@PathVariable String id) {
		return Caller.blocking((caller) -> {
			Transcript transcript = transcript(caller, id);
			return ResponseEntity.ok()
				.contentType(MediaType.parseMediaType("text/markdown;charset=UTF-8"))
				.header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".md\"")
				.body(MarkdownExport.of(transcript.conversation(), transcript.messages()));
		});
	}

	@PatchMapping("/{id}")
	Mono<Conversation> rename(@PathVariable String id, @RequestBody @Nullable TitleRequest request) {
		if (request == null || request.title() == null) {
			throw ApiException.invalid("title", "Field 'title' is required.");
		}
		String title = title(request.title());
		return Caller.blocking((caller) -> {
			ConversationRepository.Owner owner = owner(caller);
			if (!this.conversations.rename(owner, id, title)) {
				throw notFound(id);
			}
			return this.conversations.find(owner, id).orElseThrow(() -> notFound(id));
		});
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> delete(@PathVariable String id) {
		return Caller.blocking((caller) -> {
			if (!this.conversations.delete(owner(caller), id)) {
				throw notFound(id);
			}
			return true;
		}).then();
	}

	@PutMapping("/{id}/messages/{messageId}/feedback")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> feedback(@PathVariable String id, @PathVariable String messageId,
			@RequestBody @Nullable Feedback feedback) {
		Feedback checked = checked(feedback);
		return Caller.blocking((caller) -> {
			if (!this.conversations.feedback(owner(caller), id, messageId, checked)) {
				throw ApiException.notFound("There is no answer " + messageId + " in conversation " + id + ".");
			}
			return true;
		}).then();
	}

	private Transcript transcript(Caller caller, String id) {
		Conversation conversation = this.conversations.find(owner(caller), id).orElseThrow(() -> notFound(id));
		return new Transcript(conversation, this.conversations.messages(caller.tenant(), id));
	}

	static ConversationRepository.Owner owner(Caller caller) {
		return new ConversationRepository.Owner(caller.tenant(), caller.subject());
	}

	private static Feedback checked(@Nullable Feedback feedback) {
		if (feedback == null || feedback.rating() == null || !RATINGS.contains(feedback.rating())) {
			throw ApiException.invalid("rating", "Field 'rating' must be 'up' or 'down'.");
		}
		if (feedback.reason() != null && feedback.reason().length() > 100) {
			throw ApiException.invalid("reason", "Field 'reason' may have at most 100 characters.");
		}
		if (feedback.text() != null && feedback.text().length() > 4000) {
			throw ApiException.invalid("text", "Field 'text' may have at most 4000 characters.");
		}
		return feedback;
	}

	private static String title(String title) {
		String stripped = title.strip();
		if (stripped.isEmpty() || stripped.length() > MAX_TITLE_LENGTH) {
			throw ApiException.invalid("title", "Field 'title' must have 1 to " + MAX_TITLE_LENGTH + " characters.");
		}
		if (stripped.chars().anyMatch((c) -> Character.isISOControl(c))) {
			throw ApiException.invalid("title", "Field 'title' may not contain control characters.");
		}
		return stripped;
	}

	private static ConversationRepository.@Nullable Cursor cursor(@Nullable String before) {
		if (before == null || before.isBlank()) {
			return null;
		}
		int comma = before.indexOf(',');
		try {
			if (comma < 0) {
				throw new DateTimeParseException("no comma", before, 0);
			}
			return new ConversationRepository.Cursor(Instant.parse(before.substring(0, comma)),
					before.substring(comma + 1));
		}
		catch (DateTimeParseException ex) {
			throw ApiException.invalid("before", "Parameter 'before' must be the 'next' cursor of a previous page.");
		}
	}

	private static ApiException notFound(String id) {
		return ApiException.notFound("There is no conversation " + id + ".");
	}

	/**
	 * A title, to set or rename.
	 *
	 * @param title the title
	 */
	record TitleRequest(@Nullable String title) {
	}

	/**
	 * A page of conversations.
	 *
	 * @param conversations the page, newest first
	 * @param next the cursor of the next page, or {@code null} on the last
	 */
	record Page(List<Conversation> conversations, @Nullable String next) {
	}

	/**
	 * A conversation with its messages.
	 *
	 * @param conversation the conversation
	 * @param messages its messages in order
	 */
	record Transcript(Conversation conversation, List<Message> messages) {
	}

}
