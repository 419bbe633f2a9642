package dev.devassist.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformStateTests {

	private static final PlatformSettings SETTINGS = new PlatformSettings(Path.of("/repo"), Path.of("/repo/.devassist"),
			15432, 16379, Duration.ofSeconds(180), Duration.ofSeconds(30));

	@Test
	void whenComponentsAreWrittenThenEachTakesOneLineThatShellToolsCanRead() {
		List<Placement> components = List.of(
				new Placement("postgres", 11, 15432, "jdbc:postgresql://localhost:15432/devassist",
						"tcp://127.0.0.1:15432"),
				new Placement("vllm-simulator", 12, 8000, "http://127.0.0.1:8000", "http://127.0.0.1:8000/health"));

		String json = PlatformState.toJson(PlatformState.READY, 10, SETTINGS, components);

		assertThat(json.lines().filter((line) -> line.contains("\"name\"")).toList())
			.containsExactly("    {\"name\": \"postgres\", \"pid\": 11, \"port\": 15432, "
					+ "\"url\": \"jdbc:postgresql://localhost:15432/devassist\", \"health\": \"tcp://127.0.0.1:15432\"},",
					"    {\"name\": \"vllm-simulator\", \"pid\": 12, \"port\": 8000, "
							+ "\"url\": \"http://127.0.0.1:8000\", \"health\": \"http://127.0.0.1:8000/health\"}");
		assertThat(json).contains("\"status\": \"ready\",", "\"pid\": 10,", "\"dataDir\": \"/repo/.devassist\",");
	}

	@Test
	void whenAValueHoldsAQuoteThenItIsEscaped() {
		PlatformSettings settings = new PlatformSettings(Path.of("/repo"), Path.of("/tmp/a\"b"), 15432, 16379,
				Duration.ofSeconds(1), Duration.ofSeconds(1));

		String json = PlatformState.toJson(PlatformState.STARTING, 10, settings, List.of());

		assertThat(json).contains("\"dataDir\": \"/tmp/a\\\"b\"");
	}

}
