package dev.devassist.rag.source;

import java.util.Map;

/**
 * The per-status source counts behind the {@code rag.sources} gauges, read from
 * PostgreSQL at most every 10 seconds however often Prometheus scrapes, and kept when the
 * read fails.
 */
final class SourceStatusGauges {

	private static final long REFRESH_NANOS = 10_000_000_000L;

	private final SourceRepository repository;

	private Map<Source.Status, Long> counts = Map.of();

	private long readAt = Long.MIN_VALUE;

	SourceStatusGauges(SourceRepository repository) {
		this.repository = repository;
	}

	synchronized double count(Source.Status status) {
		long now = System.nanoTime();
		if (this.readAt == Long.MIN_VALUE || now - this.readAt > REFRESH_NANOS) {
			this.readAt = now;
			try {
				this.counts = this.repository.countByStatus();
			}
			catch (RuntimeException ex) {
				// PostgreSQL is away; the last counts stand until it is back.
			}
		}
		return this.counts.getOrDefault(status, 0L);
	}

}
