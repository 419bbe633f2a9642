package dev.devassist.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kills one of a pool's replicas under load and brings it back, and shows what the
 * callers saw. It starts the simulator replicas itself, so that it knows to the
 * millisecond when one died and when it answered again; the proxy in front of them is
 * started by the caller. Requests arrive at a fixed mean rate (Poisson), half of them
 * streamed, through three phases: all replicas up, one killed ({@code kill -9}), and the
 * same replica restarted on its port. Meanwhile the proxy's {@code /actuator/prometheus}
 * is read every 50 ms for the killed replica's {@code devassist_proxy_backend_state}.
 *
 * <pre>
 * Failover --proxy=URL --simulator-jar=PATH --ports=P1,P2,P3 [--victim=1] [--pool=chat]
 *   [--rate=40] [--phase-seconds=10] [--max-tokens=64] [--profile=h100-llama-3.1-8b]
 *   [--model=NAME] [--seed=1]
 * </pre>
 *
 * Prints a table per phase, then the ejection and return times, and exits 1 when a
 * non-streaming request was lost, a stream hung or ended without an error event, the
 * proxy kept the dead replica in service for more than 2 s, or never took it back.
 */
public final class Failover {

	private static final Pattern STATE = Pattern.compile("(?m)^devassist_proxy_backend_state\\{([^}]*)} (-?[0-9.]+)$");

	private static final long MAX_EJECTION_NANOS = TimeUnit.SECONDS.toNanos(2);

	private static final String[] PHASES = { "1-all-up", "2-one-killed", "3-restarted" };

	private final Map<String, String> options;

	private final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.executor(Executors.newVirtualThreadPerTaskExecutor())
		.build();

	private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();

	private final List<Process> replicas = new ArrayList<>();

	private volatile boolean polling = true;

	private volatile long ejectedAt;

	private volatile long returnedAt;

	private volatile long killedAt;

	private volatile long restartedAt;

	private Failover(Map<String, String> options) {
		this.options = options;
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = Options.parse(args, "proxy", "simulator-jar", "ports");
		Failover failover = new Failover(options);
		int status;
		try {
			status = failover.run();
		}
		finally {
			failover.replicas.forEach(Process::destroyForcibly);
		}
		System.exit(status);
	}

	private String option(String name, String fallback) {
		return this.options.getOrDefault(name, fallback);
	}

	private int run() throws Exception {
		String proxy = option("proxy", "");
		String[] ports = option("ports", "").split(",");
		int victim = Integer.parseInt(option("victim", "1"));
		String victimId = option("pool", "chat") + "/" + victim;
		double rate = Double.parseDouble(option("rate", "40"));
		long phaseNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(option("phase-seconds", "10")));
		for (String port : ports) {
			this.replicas.add(startReplica(port));
		}
		for (String port : ports) {
			awaitUp("http://127.0.0.1:" + port + "/health", Duration.ofSeconds(60));
		}
		awaitUp(proxy + "/actuator/health/readiness", Duration.ofSeconds(60));
		awaitState(proxy, victimId, 1, Duration.ofSeconds(30));

		Thread poller = Thread.ofPlatform().daemon().start(() -> poll(proxy, victimId));
		Random random = new Random(Long.parseLong(option("seed", "1")));
		List<CompletableFuture<Void>> sent = new ArrayList<>();
		for (int phase = 0; phase < PHASES.length; phase++) {
			if (phase == 1) {
				this.replicas.get(victim).destroyForcibly();
				this.killedAt = System.nanoTime();
			}
			else if (phase == 2) {
				this.replicas.set(victim, startReplica(ports[victim]));
				awaitUp("http://127.0.0.1:" + ports[victim] + "/health", Duration.ofSeconds(60));
				this.restartedAt = System.nanoTime();
			}
			long phaseStart = System.nanoTime();
			long end = phaseStart + phaseNanos;
			long due = phaseStart;
			while (true) {
				due += (long) (-Math.log(1 - random.nextDouble()) / rate * 1e9);
				if (due >= end) {
					break;
				}
				long wait = due - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(wait);
				}
				sent.add(send(proxy, PHASES[phase], random.nextBoolean()));
			}
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
		// The state is read every 50 ms; give the return a moment to show.
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.returnedAt == 0 && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		this.polling = false;
		poller.join();
		return report(victimId);
	}

	private Process startReplica(String port) throws IOException {
		String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
		return new ProcessBuilder(java, "-Xms64m", "-Xmx256m", "-jar", option("simulator-jar", ""),
				"--simulator.host=127.0.0.1", "--simulator.port=" + port,
				"--simulator.profile=" + option("profile", "h100-llama-3.1-8b"), "--logging.level.root=WARN")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	private CompletableFuture<Void> send(String proxy, String phase, boolean stream) {
		String body = "{\"model\":\"" + option("model", "meta-llama/Llama-3.1-8B-Instruct")
				+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"Explain the failover of the inference proxy.\"}],"
				+ "\"max_tokens\":" + option("max-tokens", "64") + ",\"ignore_eos\":true,\"stream\":" + stream + "}";
		HttpRequest request = HttpRequest.newBuilder(URI.create(proxy + "/v1/chat/completions"))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		long start = System.nanoTime();
		return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
			String kind;
			String backend = "";
			if (failure != null) {
				kind = (failure.getCause() instanceof java.net.http.HttpTimeoutException) ? "hung" : "broken";
			}
			else {
				backend = response.headers().firstValue("x-devassist-backend").orElse("");
				String text = response.body();
				if (response.statusCode() != 200) {
					kind = "status-" + response.statusCode();
				}
				else if (!stream) {
					kind = text.contains("\"choices\"") ? "ok" : "broken";
				}
				else if (text.contains("data: [DONE]")) {
					kind = "ok";
				}
				else if (text.contains("\"error\"")) {
					kind = "error-event";
				}
				else {
					kind = "broken";
				}
			}
			this.outcomes.add(new Outcome(phase, stream, kind, backend, start));
			return null;
		});
	}

	private void poll(String proxy, String victimId) {
		while (this.polling) {
			Integer state = state(proxy, victimId);
			long now = System.nanoTime();
			if (state != null) {
				if (this.killedAt != 0 && this.ejectedAt == 0 && state == -1) {
					this.ejectedAt = now;
				}
				if (this.restartedAt != 0 && this.returnedAt == 0 && state == 1) {
					this.returnedAt = now;
				}
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
		}
	}

	private Integer state(String proxy, String backendId) {
		try {
			HttpResponse<String> metrics = this.http
				.send(HttpRequest.newBuilder(URI.create(proxy + "/actuator/prometheus"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.ofString());
			Matcher matcher = STATE.matcher(metrics.body());
			while (matcher.find()) {
				if (matcher.group(1).contains("backend=\"" + backendId + "\"")) {
					return (int) Double.parseDouble(matcher.group(2));
				}
			}
			return null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private void awaitState(String proxy, String backendId, int wanted, Duration limit) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			Integer state = state(proxy, backendId);
			if (state != null && state == wanted) {
				return;
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException(backendId + " did not reach state " + wanted + " within " + limit);
	}

	private void awaitUp(String url, Duration limit) throws InterruptedException {
		long deadline = System.nanoTime() + limit.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				HttpResponse<Void> response = this.http.send(
						HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(1)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not up yet
			}
			Thread.sleep(50);
		}
		throw new IllegalStateException(url + " did not answer within " + limit);
	}

	private int report(String victimId) {
		System.out.printf("%-13s %6s %8s %6s %8s %8s %7s %6s %8s %10s%n", "phase", "sent", "plain_ok", "lost",
				"streams", "complete", "error_ev", "hung", "other", "on_victim");
		int lost = 0;
		int hungOrOther = 0;
		for (String phase : PHASES) {
			int sentCount = 0;
			int plainOk = 0;
			int plainLost = 0;
			int streams = 0;
			int complete = 0;
			int errorEvents = 0;
			int hung = 0;
			int other = 0;
			int onVictim = 0;
			for (Outcome outcome : this.outcomes) {
				if (!outcome.phase().equals(phase)) {
					continue;
				}
				sentCount++;
				if (outcome.backend().equals(victimId) && outcome.kind().equals("ok")) {
					onVictim++;
				}
				if (!outcome.stream()) {
					if (outcome.kind().equals("ok")) {
						plainOk++;
					}
					else {
						plainLost++;
					}
					continue;
				}
				streams++;
				switch (outcome.kind()) {
					case "ok" -> complete++;
					case "error-event" -> errorEvents++;
					case "hung" -> hung++;
					default -> other++;
				}
			}
			lost += plainLost;
			hungOrOther += hung + other;
			System.out.printf("%-13s %6d %8d %6d %8d %8d %7d %6d %8d %10d%n", phase, sentCount, plainOk, plainLost,
					streams, complete, errorEvents, hung, other, onVictim);
		}
		long lastOnVictim = this.outcomes.stream()
			.filter((outcome) -> outcome.backend().equals(victimId) && outcome.phase().equals(PHASES[1]))
			.mapToLong(Outcome::start)
			.max()
			.orElse(0);
		double ejectedMs = (this.ejectedAt != 0) ? (this.ejectedAt - this.killedAt) / 1e6 : Double.NaN;
		double returnedMs = (this.returnedAt != 0) ? (this.returnedAt - this.restartedAt) / 1e6 : Double.NaN;
		System.out.printf("%s ejected %.0f ms after the kill (target <= 2000 ms, read every 50 ms)%n", victimId,
				ejectedMs);
		System.out.printf("answers from %s to requests sent after the kill: %s%n", victimId,
				(lastOnVictim == 0) ? "none" : "last sent " + (lastOnVictim - this.killedAt) / 1_000_000 + " ms after");
		System.out.printf("%s back in service %.0f ms after it answered its health check again%n", victimId,
				returnedMs);
		boolean pass = lost == 0 && hungOrOther == 0 && this.ejectedAt != 0
				&& this.ejectedAt - this.killedAt <= MAX_EJECTION_NANOS && this.returnedAt != 0 && lastOnVictim == 0;
		System.out.println(pass ? "PASS" : "FAIL");
		return pass ? 0 : 1;
	}

	private record Outcome(String phase, boolean stream, String kind, String backend, long start) {
	}

}
