package dev.devassist.assistant.usage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads the {@code usage_event} rows that finished answers leave, summed per time bucket,
 * user and model, within one tenant.
 */
public class UsageRepository {

	private final JdbcClient jdbc;

	public UsageRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Sums a tenant's usage.
	 * @param tenant the tenant; nothing of another is read
	 * @param since the earliest instant counted
	 * @param bucket {@code hour} or {@code day}
	 * @return one row per bucket, user and model, oldest first
	 */
	public List<UsageRow> summary(String tenant, Instant since, String bucket) {
		if (!bucket.equals("hour") && !bucket.equals("day")) {
			throw new IllegalArgumentException("Unknown bucket " + bucket);
		}
		return this.jdbc.sql("""
				select date_trunc(:bucket, at, 'UTC') as bucket, user_id, model, count(*) as requests,
				       sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens,
				       percentile_cont(0.5) within group (order by latency_ms) as p50,
				       percentile_cont(0.95) within group (order by latency_ms) as p95
				from usage_event
				where tenant = :tenant and at >= :since
				group by 1, 2, 3
				order by 1, 2, 3
				""")
			.param("bucket", bucket)
			.param("tenant", tenant)
			.param("since", java.sql.Timestamp.from(since))
			.query(UsageRepository::row)
			.list();
	}

	private static UsageRow row(ResultSet rs, int rowNum) throws SQLException {
		return new UsageRow(rs.getTimestamp("bucket").toInstant(), rs.getString("user_id"), rs.getString("model"),
				rs.getLong("requests"), rs.getLong("prompt_tokens"), rs.getLong("completion_tokens"),
				latency(rs, "p50"), latency(rs, "p95"));
	}

	private static Long latency(ResultSet rs, String column) throws SQLException {
		double value = rs.getDouble(column);
		return rs.wasNull() ? null : Math.round(value);
	}

	/**
	 * Usage in one bucket by one user of one model.
	 *
	 * @param bucket the bucket's start
	 * @param user the user's id
	 * @param model the model, or the mode when no model answered
	 * @param requests answers given
	 * @param promptTokens prompt tokens spent
	 * @param completionTokens completion tokens spent
	 * @param latencyP50Ms median time to the whole answer
	 * @param latencyP95Ms 95th percentile of it
	 */
	public record UsageRow(Instant bucket, String user, String model, long requests, long promptTokens,
			long completionTokens, @org.jspecify.annotations.Nullable Long latencyP50Ms,
			@org.jspecify.annotations.Nullable Long latencyP95Ms) {
	}

}
