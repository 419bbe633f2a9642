package dev.devassist.rag.chunking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class LanguagesTests {

	@ParameterizedTest
	@CsvSource({ "src/Main.java, java", "app.py, python", "types.pyi, python", "index.js, javascript",
			"lib.mjs, javascript", "App.jsx, javascript", "api.ts, typescript", "App.tsx, tsx", "main.go, go",
			"README.md, markdown", "notes.txt, text", "guide.rst, text", "manual.adoc, text", "Build.kt, kotlin",
			"lib.rs, rust", "util.c, c", "util.h, c", "engine.cpp, cpp", "Program.cs, csharp", "app.rb, ruby",
			"index.php, php", "Main.scala, scala", "run.sh, shell", "schema.sql, sql", "ci.yml, yaml",
			"values.yaml, yaml", "package.json, json", "pom.xml, xml", "index.html, html", "site.css, css",
			"Cargo.toml, toml", "build.gradle, gradle", "settings.gradle.kts, gradle" })
	void whenExtensionIsKnownThenItNamesTheLanguage(String path, String language) {
		String found = Languages.of(path);

		assertThat(found).isEqualTo(language);
	}

	@ParameterizedTest
	@CsvSource({ "Dockerfile, dockerfile", "Dockerfile.dev, dockerfile", "Makefile, makefile", "Gemfile, ruby",
			"Jenkinsfile, groovy", "CMakeLists.txt, cmake" })
	void whenFileNameIsWellKnownThenItNamesTheLanguage(String path, String language) {
		String found = Languages.of(path);

		assertThat(found).isEqualTo(language);
	}

	@ParameterizedTest
	@ValueSource(strings = { "LICENSE", "docs/CHANGES", ".gitignore", "data.unknown", "archive.tar.xyz" })
	void whenNameSaysNothingKnownThenTheLanguageIsText(String path) {
		String found = Languages.of(path);

		assertThat(found).isEqualTo(Languages.TEXT);
	}

	@Test
	void whenPathUsesBackslashesAndCapitalsThenOnlyTheFileNameCounts() {
		String found = Languages.of("C:\\work\\my.project\\SRC\\Main.JAVA");

		assertThat(found).isEqualTo(Languages.JAVA);
	}

	@ParameterizedTest
	@ValueSource(strings = { "java", "python", "go", "tsx", "kotlin", "shell", "sql", "html", "css", "gradle" })
	void whenLanguageIsProgrammingOrMarkupThenItIsCode(String language) {
		boolean code = Languages.isCode(language);

		assertThat(code).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "markdown", "text", "json", "yaml", "toml", "xml", "csv", "properties", "cobol" })
	void whenLanguageIsProseDataOrUnknownThenItIsNotCode(String language) {
		boolean code = Languages.isCode(language);

		assertThat(code).isFalse();
	}

}
