package dev.devassist.assistant.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.devassist.platform.identity.Caller;
import dev.devassist.platform.web.ApiException;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/admin/usage}: the caller's tenant's usage, for its admins only.
 */
@RestController
class UsageController {

	private static final int MAX_DAYS = 90;

	private final UsageRepository usage;

	UsageController(UsageRepository usage) {
		this.usage = usage;
	}

	@GetMapping("/api/admin/usage")
	Mono<Usage> usage(@RequestParam(defaultValue = "7") int days) {
		if (days < 1 || days > MAX_DAYS) {
			throw ApiException.invalid("days", "Parameter 'days' must lie between 1 and " + MAX_DAYS + ".");
		}
		String bucket = (days <= 7) ? "hour" : "day";
		Instant since = Instant.now().minus(Duration.ofDays(days));
		return Caller.blocking((caller) -> {
			if (!caller.roles().contains("admin")) {
				throw new ApiException(HttpStatus.FORBIDDEN, "forbidden", "Usage is for the tenant's admins.", null);
			}
			return new Usage(since, bucket, this.usage.summary(caller.tenant(), since, bucket));
		});
	}

	/**
	 * A tenant's usage since an instant.
	 *
	 * @param since the period's start
	 * @param bucket {@code hour} or {@code day}
	 * @param rows the sums per bucket, user and model
	 */
	record Usage(Instant since, String bucket, List<UsageRepository.UsageRow> rows) {
	}

}
