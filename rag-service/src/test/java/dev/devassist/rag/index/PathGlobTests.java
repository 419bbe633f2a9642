package dev.devassist.rag.index;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PathGlobTests {

	@Test
	void whenGlobHasNoSlashThenItMatchesFileNamesAtAnyDepth() {
		PathGlob glob = PathGlob.of("*.java");

		assertThat(glob.matches("App.java")).isTrue();
		assertThat(glob.matches("src/main/App.java")).isTrue();
		assertThat(glob.matches("src/main/App.kt")).isFalse();
	}

	@Test
	void whenGlobHasDoubleStarThenItCrossesDirectoriesButSingleStarDoesNot() {
		assertThat(PathGlob.of("src/**/*.py").matches("src/a/b/c.py")).isTrue();
		assertThat(PathGlob.of("src/**/*.py").matches("src/c.py")).isTrue();
		assertThat(PathGlob.of("src/*.py").matches("src/a/c.py")).isFalse();
	}

	@Test
	void whenGlobHasBracesThenEachAlternativeMatches() {
		PathGlob glob = PathGlob.of("docs/*.{md,txt}");

		assertThat(glob.matches("docs/a.md")).isTrue();
		assertThat(glob.matches("docs/a.txt")).isTrue();
		assertThat(glob.matches("docs/a.pdf")).isFalse();
	}

	@Test
	void whenGlobHasRegexCharactersThenTheyAreMatchedLiterally() {
		PathGlob glob = PathGlob.of("a+b/(x).[ch]");

		assertThat(glob.matches("a+b/(x).[ch]")).isTrue();
		assertThat(glob.matches("aab/x.c")).isFalse();
	}

	@Test
	void whenBraceIsNotClosedThenTheGlobIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> PathGlob.of("src/{a,b")).withMessageContaining("'{'");
	}

}
