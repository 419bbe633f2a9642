package dev.devassist.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PlatformSettingsTests {

	private static final Path WORKING_DIRECTORY = Path.of("/repo");

	@Test
	void whenNoOptionIsGivenThenTheDefaultsApply() {
		PlatformSettings settings = PlatformSettings.parse(List.of(), WORKING_DIRECTORY);

		assertThat(settings.dataDir()).isEqualTo(Path.of("/repo/.devassist"));
		assertThat(settings.root()).isEqualTo(WORKING_DIRECTORY);
		assertThat(settings.postgresPort()).isEqualTo(15432);
		assertThat(settings.redisPort()).isEqualTo(16379);
		assertThat(settings.stopTimeout()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void whenDataDirIsRelativeThenItIsResolvedAgainstTheWorkingDirectory() {
		PlatformSettings settings = PlatformSettings.parse(List.of("--data-dir=tmp/../other"), WORKING_DIRECTORY);

		assertThat(settings.dataDir()).isEqualTo(Path.of("/repo/other"));
		assertThat(settings.postgresDir()).isEqualTo(Path.of("/repo/other/data/postgres"));
		assertThat(settings.redisDir()).isEqualTo(Path.of("/repo/other/data/redis"));
		assertThat(settings.logFile("redis")).isEqualTo(Path.of("/repo/other/logs/redis.log"));
	}

	@Test
	void whenPortsAndTimeoutsAreGivenThenTheyOverrideTheDefaults() {
		PlatformSettings settings = PlatformSettings
			.parse(List.of("--postgres-port=25432", "--redis-port=26379", "--ready-timeout=5"), WORKING_DIRECTORY);

		assertThat(settings.postgresPort()).isEqualTo(25432);
		assertThat(settings.redisPort()).isEqualTo(26379);
		assertThat(settings.readyTimeout()).isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void whenAnOptionIsUnknownThenParsingFailsNamingIt() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PlatformSettings.parse(List.of("--datadir=x"), WORKING_DIRECTORY))
			.withMessage("Option '--datadir' is unknown");
	}

	@Test
	void whenAPortIsNotANumberThenParsingFailsSayingWhy() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PlatformSettings.parse(List.of("--redis-port=abc"), WORKING_DIRECTORY))
			.withMessage("Option '--redis-port' needs a whole number, not 'abc'");
	}

	@Test
	void whenBothStoresWantTheSamePortThenParsingFails() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PlatformSettings.parse(List.of("--postgres-port=16379"), WORKING_DIRECTORY))
			.withMessageContaining("must differ");
	}

}
