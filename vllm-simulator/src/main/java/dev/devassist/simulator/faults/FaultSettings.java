package dev.devassist.simulator.faults;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The faults to inject, set by flags at start-up ({@code simulator.faults.*}) and
 * replaced at run time through {@code PUT /admin/faults}. Zero values mean no fault.
 *
 * @param errorRate fraction of generation and embedding requests, from 0 to 1, answered
 * with an error instead
 * @param errorStatuses HTTP statuses the errors use, picked in turn; 500 when empty
 * @param extraLatencyMs delay added before each generation or embedding request is
 * handled
 * @param hang whether requests are accepted and never answered
 * @param cutStreamAfterTokens when positive, streams are cut (the connection closed
 * without {@code [DONE]}) after this many tokens
 * @param startDelayMs how long {@code /health} answers 503 after start-up (or after this
 * setting is applied at run time) before the server is ready
 * @param refuseConnectionsMs when positive, the server stops listening for this long, so
 * that new connections are refused; connections already open are kept
 */
public record FaultSettings(double errorRate, @Nullable List<Integer> errorStatuses, long extraLatencyMs, boolean hang,
		int cutStreamAfterTokens, long startDelayMs, long refuseConnectionsMs) {

	/** No faults. */
	public static final FaultSettings NONE = new FaultSettings(0, List.of(), 0, false, 0, 0, 0);

	public FaultSettings {
		errorStatuses = (errorStatuses != null) ? List.copyOf(errorStatuses) : List.of();
	}

	/**
	 * Lists what is wrong with these settings.
	 * @return one message for each invalid field, empty when all are valid
	 */
	public List<String> violations() {
		List<String> violations = new ArrayList<>();
		if (!(this.errorRate >= 0 && this.errorRate <= 1)) {
			violations.add("errorRate must be between 0 and 1, but was " + this.errorRate);
		}
		for (Integer status : errorStatuses()) {
			if (status == null || status < 400 || status > 599) {
				violations.add("errorStatuses must hold HTTP error statuses from 400 to 599, but held " + status);
			}
		}
		requireNonNegative(violations, "extraLatencyMs", this.extraLatencyMs);
		requireNonNegative(violations, "cutStreamAfterTokens", this.cutStreamAfterTokens);
		requireNonNegative(violations, "startDelayMs", this.startDelayMs);
		requireNonNegative(violations, "refuseConnectionsMs", this.refuseConnectionsMs);
		return List.copyOf(violations);
	}

	@Override
	public List<Integer> errorStatuses() {
		return (this.errorStatuses != null) ? this.errorStatuses : List.of();
	}

	private static void requireNonNegative(List<String> violations, String name, long value) {
		if (value < 0) {
			violations.add(name + " must not be negative, but was " + value);
		}
	}

}
