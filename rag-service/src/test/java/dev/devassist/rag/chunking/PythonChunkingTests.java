package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PythonChunkingTests {

	private static final String SHAPES = """
			import math

			UNIT = 1.0


			class Circle:
			    \"""A circle around the origin.\"""

			    def __init__(self, radius: float) -> None:
			        if radius < 0:
			            raise ValueError(f"radius must not be negative, not {radius}")
			        self.radius = radius

			    # The area grows with the square of the radius.
			    def area(self) -> float:
			        return math.pi * self.radius * self.radius * UNIT

			    @property
			    def circumference(self) -> float:
			        return 2 * math.pi * self.radius * UNIT


			@functools.cache
			def unit_circle() -> Circle:
			    \"""Returns the circle of radius one, made once.\"""
			    return Circle(UNIT)
			""";

	@Test
	void whenClassIsSplitThenMethodsAreNamedClassDotMethod() {
		List<Chunk> chunks = new SyntaxChunker(56).chunk("shapes.py", SHAPES);

		assertThat(SourceText.symbols(chunks)).contains("Circle.__init__", "Circle.area", "Circle.circumference");
	}

	@Test
	void whenCommentIsRightAboveAMethodThenItStartsThatMethodsChunk() {
		List<Chunk> chunks = new SyntaxChunker(56).chunk("shapes.py", SHAPES);

		Chunk area = SourceText.chunkNamed(chunks, "Circle.area");
		assertThat(area.startLine()).isEqualTo(SourceText.lineOf(SHAPES, "# The area grows"));
		assertThat(area.endLine()).isEqualTo(SourceText.lineOf(SHAPES, "return math.pi * self.radius"));
	}

	@Test
	void whenMethodIsDecoratedThenTheDecoratorStartsItsChunk() {
		List<Chunk> chunks = new SyntaxChunker(56).chunk("shapes.py", SHAPES);

		Chunk circumference = SourceText.chunkNamed(chunks, "Circle.circumference");
		assertThat(circumference.startLine()).isEqualTo(SourceText.lineOf(SHAPES, "@property"));
		assertThat(circumference.text())
			.isEqualTo(SourceText.lines(SHAPES, circumference.startLine(), circumference.endLine()));
	}

	@Test
	void whenFunctionHasADocstringThenTheDocstringIsInsideTheFunctionsChunk() {
		List<Chunk> chunks = new SyntaxChunker(56).chunk("shapes.py", SHAPES);

		Chunk unitCircle = SourceText.chunkNamed(chunks, "unit_circle");
		assertThat(unitCircle.startLine()).isEqualTo(SourceText.lineOf(SHAPES, "@functools.cache"));
		assertThat(unitCircle.endLine()).isEqualTo(SourceText.lineOf(SHAPES, "return Circle(UNIT)"));
		assertThat(unitCircle.text()).contains("Returns the circle of radius one");
	}

	@Test
	void whenImportsAndConstantsAreSmallThenTheyJoinTheClassHeader() {
		List<Chunk> chunks = new SyntaxChunker(56).chunk("shapes.py", SHAPES);

		Chunk first = chunks.getFirst();
		assertThat(first.startLine()).isEqualTo(1);
		assertThat(first.endLine()).isEqualTo(SourceText.lineOf(SHAPES, "A circle around the origin."));
		assertThat(first.symbol()).isEqualTo("Circle");
	}

	@Test
	void whenModuleFitsTheBudgetThenItIsOneChunkNamingItsDeclarations() {
		List<Chunk> chunks = new SyntaxChunker(256).chunk("shapes.py", SHAPES);

		assertThat(chunks).singleElement().satisfies((chunk) -> {
			assertThat(chunk.symbol()).isEqualTo("Circle, unit_circle");
			assertThat(chunk.text()).isEqualTo(SHAPES.strip());
		});
	}

	@Test
	void whenFunctionIsAsyncThenItIsNamedLikeAnyOther() {
		String source = """
				async def fetch(session, url):
				    async with session.get(url) as response:
				        return await response.text()
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("fetch.py", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("fetch");
	}

}
