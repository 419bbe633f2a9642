package dev.devassist.rag.chunking;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ChunkTests {

	@Test
	void whenStartLineIsBelowOneThenTheChunkIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Chunk("x", 0, 1, null, "text", Chunk.Kind.TEXT))
			.withMessage("Start line must be 1 or more, not 0");
	}

	@Test
	void whenEndLineComesBeforeStartLineThenTheChunkIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Chunk("x", 3, 2, null, "text", Chunk.Kind.TEXT))
			.withMessage("End line 2 comes before start line 3");
	}

	@Test
	void whenTextIsBlankThenTheChunkIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new Chunk(" \n\t", 1, 2, null, "text", Chunk.Kind.TEXT))
			.withMessage("Text of lines 1-2 is blank");
	}

}
