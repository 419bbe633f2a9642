package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JavaChunkingTests {

	private static final String GREETER = """
			package com.example;

			import java.util.List;

			/**
			 * Greets people.
			 */
			public class Greeter {

				private final String greeting;

				public Greeter(String greeting) {
					this.greeting = greeting;
				}

				public String greet(String name) {
					return this.greeting + ", " + name;
				}

			}
			""";

	private static final String ACCOUNT = """
			package com.example.bank;

			public class Account {

				private long balance;

				private final String owner;

				/**
				 * Pays money in.
				 * @param amount how much, in cents
				 */
				@SuppressWarnings("unused")
				public void deposit(long amount) {
					if (amount <= 0) {
						throw new IllegalArgumentException("Deposits must be positive, not " + amount);
					}
					this.balance += amount;
				}

				public void withdraw(long amount) {
					if (amount > this.balance) {
						throw new IllegalStateException("Balance " + this.balance + " cannot cover " + amount);
					}
					this.balance -= amount;
				}

				public String statement() {
					return "Account of " + this.owner + " holds " + this.balance / 100 + "." + this.balance % 100;
				}

				static class Audit {

					private final java.util.List<String> entries = new java.util.ArrayList<>();

					void record(String entry) {
						this.entries.add(java.time.Instant.now() + " " + entry);
						if (this.entries.size() > 1000) {
							this.entries.remove(0);
						}
					}

				}

			}
			""";

	@Test
	void whenClassFitsTheBudgetThenItStaysInOneChunk() {
		List<Chunk> chunks = new SyntaxChunker(256).chunk("Greeter.java", GREETER);

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.startLine()).isEqualTo(1);
			assertThat(chunk.endLine()).isEqualTo(SourceText.lastLineOf(GREETER, "}"));
			assertThat(chunk.symbol()).isEqualTo("Greeter");
		});
	}

	@Test
	void whenClassExceedsBudgetThenItIsSplitIntoItsMembers() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("Account.java", ACCOUNT);

		assertThat(SourceText.symbols(chunks)).containsExactly("Account", "Account.deposit", "Account.withdraw",
				"Account.statement", "Account.Audit", "Account.Audit.record");
	}

	@Test
	void whenClassIsSplitThenEachMemberChunkHoldsExactlyThatMembersLines() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("Account.java", ACCOUNT);

		Chunk withdraw = SourceText.chunkNamed(chunks, "Account.withdraw");
		assertThat(withdraw.startLine()).isEqualTo(SourceText.lineOf(ACCOUNT, "public void withdraw"));
		assertThat(withdraw.endLine()).isEqualTo(SourceText.lineOf(ACCOUNT, "this.balance -= amount;") + 1);
		assertThat(withdraw.text()).isEqualTo(SourceText.lines(ACCOUNT, withdraw.startLine(), withdraw.endLine()));
	}

	@Test
	void whenMethodHasJavadocAndAnnotationsThenItsChunkStartsAtTheJavadoc() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("Account.java", ACCOUNT);

		Chunk deposit = SourceText.chunkNamed(chunks, "Account.deposit");
		assertThat(deposit.startLine()).isEqualTo(SourceText.lineOf(ACCOUNT, "/**"));
		assertThat(deposit.text()).contains("@SuppressWarnings(\"unused\")");
	}

	@Test
	void whenClassIsSplitThenItsHeaderAndFieldsFormTheFirstChunk() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("Account.java", ACCOUNT);

		Chunk header = chunks.getFirst();
		assertThat(header.startLine()).isEqualTo(1);
		assertThat(header.endLine()).isEqualTo(SourceText.lineOf(ACCOUNT, "private final String owner;"));
		assertThat(header.symbol()).isEqualTo("Account");
	}

	@Test
	void whenClassIsSplitThenItsClosingBraceStaysWithTheLastMember() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("Account.java", ACCOUNT);

		assertThat(chunks.getLast().endLine()).isEqualTo(SourceText.lastLineOf(ACCOUNT, "}"));
		assertThat(chunks.getLast().symbol()).isEqualTo("Account.Audit.record");
	}

	@Test
	void whenMethodExceedsBudgetThenItIsCutIntoOverlappingWindowsThatKeepItsSymbol() {
		StringBuilder body = new StringBuilder();
		for (int step = 0; step < 40; step++) {
			body.append("\t\tint value").append(step).append(" = compute(").append(step).append(", offset)\n");
			body.append("\t\t\t+ adjust(value").append(step).append(");\n");
		}
		String source = "class Big {\n\n\tvoid run(int offset) {\n" + body + "\t}\n\n}\n";

		List<Chunk> chunks = new SyntaxChunker(64).chunk("Big.java", source);

		List<Chunk> windows = chunks.stream().filter((chunk) -> "Big.run".equals(chunk.symbol())).toList();
		assertThat(windows).hasSizeGreaterThan(3);
		for (int index = 1; index < windows.size(); index++) {
			int overlap = windows.get(index - 1).endLine() - windows.get(index).startLine() + 1;
			assertThat(overlap).isBetween(0, LineChunker.OVERLAP_LINES);
		}
	}

	@Test
	void whenTopLevelTypesAreTinyThenTheyAreMergedWithTheImports() {
		String source = """
				package com.example.events;

				import java.time.Instant;

				record Created(String id, Instant at) {
				}

				record Deleted(String id, Instant at) {
				}

				sealed interface Event permits Created, Deleted {
				}
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("Events.java", source);

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.symbol()).isEqualTo("Created, Deleted, Event");
			assertThat(chunk.text()).isEqualTo(source.strip());
		});
	}

	@Test
	void whenEnumIsSplitThenItsMethodsAreNamedAfterTheEnum() {
		String source = """
				enum Planet {

					MERCURY(3.303e+23, 2.4397e6), VENUS(4.869e+24, 6.0518e6), EARTH(5.976e+24, 6.37814e6);

					private final double mass;

					private final double radius;

					Planet(double mass, double radius) {
						this.mass = mass;
						this.radius = radius;
					}

					double surfaceGravity() {
						return 6.67300E-11 * this.mass / (this.radius * this.radius);
					}

				}
				""";

		List<Chunk> chunks = new SyntaxChunker(40).chunk("Planet.java", source);

		assertThat(SourceText.symbols(chunks)).contains("Planet", "Planet.Planet", "Planet.surfaceGravity");
	}

	@Test
	void whenRecordHasCompactConstructorThenItIsNamedAfterTheRecord() {
		String source = """
				record Range(int low, int high) {

					Range {
						if (low > high) {
							throw new IllegalArgumentException("Range " + low + ".." + high + " is empty");
						}
					}

					int length() {
						return this.high - this.low;
					}

				}
				""";

		List<Chunk> chunks = new SyntaxChunker(30).chunk("Range.java", source);

		assertThat(SourceText.symbols(chunks)).contains("Range.Range", "Range.length");
	}

	@Test
	void whenMethodsAreNestedInInnerTypesThenSymbolsAreQualifiedByEveryType() {
		String source = """
				class Outer {

					static class Inner {

						void first() {
							System.out.println("the first method of the inner class, long enough to split");
						}

						void second() {
							System.out.println("the second method of the inner class, also long enough");
						}

					}

				}
				""";

		List<Chunk> chunks = new SyntaxChunker(24).chunk("Outer.java", source);

		assertThat(SourceText.symbols(chunks)).contains("Outer.Inner.first", "Outer.Inner.second");
	}

}
