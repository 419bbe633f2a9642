package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TypeScriptChunkingTests {

	@Test
	void whenTypesAreDeclaredThenInterfacesAliasesAndEnumsAreNamed() {
		List<Chunk> chunks = new SyntaxChunker(20).chunk("repository.ts", Samples.TYPESCRIPT_REPOSITORY);

		assertThat(SourceText.symbols(chunks)).contains("Entity", "Page", "SortOrder");
	}

	@Test
	void whenClassIsSplitThenMethodsAreNamedClassDotMethod() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("repository.ts", Samples.TYPESCRIPT_REPOSITORY);

		assertThat(SourceText.symbols(chunks)).contains("Repository.find", "Repository.evict");
	}

	@Test
	void whenMemberIsDecoratedThenTheDecoratorStartsItsChunk() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("repository.ts", Samples.TYPESCRIPT_REPOSITORY);

		Chunk find = SourceText.chunkNamed(chunks, "Repository.find");
		assertThat(find.startLine()).isEqualTo(SourceText.lineOf(Samples.TYPESCRIPT_REPOSITORY, "@Memoize()"));
	}

	@Test
	void whenClassIsDecoratedThenTheDecoratorAndDocCommentStartItsChunk() {
		List<Chunk> chunks = new SyntaxChunker(64).chunk("repository.ts", Samples.TYPESCRIPT_REPOSITORY);

		Chunk repository = SourceText.chunkNamed(chunks, "Repository");
		assertThat(repository.startLine())
			.isEqualTo(SourceText.lineOf(Samples.TYPESCRIPT_REPOSITORY, "/** Talks to a REST collection"));
	}

	@Test
	void whenNamespaceIsSplitThenItsFunctionsAreQualifiedByIt() {
		List<Chunk> chunks = new SyntaxChunker(20).chunk("repository.ts", Samples.TYPESCRIPT_REPOSITORY);

		assertThat(SourceText.symbols(chunks)).contains("Ids.isValid", "Ids.random");
	}

	@Test
	void whenModuleIsDeclaredThenItIsNamedWithoutQuotes() {
		List<Chunk> chunks = new SyntaxChunker(20).chunk("repository.ts", Samples.TYPESCRIPT_REPOSITORY);

		assertThat(SourceText.symbols(chunks)).contains("legacy-sdk");
	}

	@Test
	void whenFileIsTsxThenTypesAndComponentsAreNamed() {
		List<Chunk> chunks = new SyntaxChunker(256).chunk("UserCard.tsx", Samples.TSX_CARD);

		assertThat(SourceText.symbols(chunks)).containsExactly("Props, Mode", "UserCard", "null");
	}

	@Test
	void whenTsxComponentIsWholeThenItsChunkHoldsExactlyItsLines() {
		List<Chunk> chunks = new SyntaxChunker(256).chunk("UserCard.tsx", Samples.TSX_CARD);

		Chunk card = SourceText.chunkNamed(chunks, "UserCard");
		assertThat(card.startLine()).isEqualTo(SourceText.lineOf(Samples.TSX_CARD, "export function UserCard"));
		assertThat(card.text()).isEqualTo(SourceText.lines(Samples.TSX_CARD, card.startLine(), card.endLine()));
	}

}
