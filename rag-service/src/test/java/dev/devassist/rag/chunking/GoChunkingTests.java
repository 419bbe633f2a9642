package dev.devassist.rag.chunking;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GoChunkingTests {

	private static final String QUEUE = """
			package queue

			import "sync"

			// Queue is a FIFO queue that is safe for concurrent use.
			type Queue[T any] struct {
				mu    sync.Mutex
				items []T
			}

			// Push adds an item at the back of the queue.
			// It never blocks.
			func (q *Queue[T]) Push(item T) {
				q.mu.Lock()
				defer q.mu.Unlock()
				q.items = append(q.items, item)
			}

			// Pop takes the item at the front of the queue.
			func (q *Queue[T]) Pop() (T, bool) {
				q.mu.Lock()
				defer q.mu.Unlock()
				var zero T
				if len(q.items) == 0 {
					return zero, false
				}
				item := q.items[0]
				q.items = q.items[1:]
				return item, true
			}

			func (q Queue[T]) Peek() T { return q.items[0] }

			// Drain empties a queue into a slice.
			func Drain[T any](q *Queue[T]) []T {
				var all []T
				for item, ok := q.Pop(); ok; item, ok = q.Pop() {
					all = append(all, item)
				}
				return all
			}
			""";

	@Test
	void whenFunctionIsDeclaredThenItsSymbolIsItsName() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("queue.go", QUEUE);

		assertThat(SourceText.symbols(chunks)).contains("Drain");
	}

	@Test
	void whenMethodHasAPointerReceiverThenItsSymbolIsTheTypeDotTheMethod() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("queue.go", QUEUE);

		assertThat(SourceText.symbols(chunks)).contains("Queue.Push", "Queue.Pop");
	}

	@Test
	void whenDocCommentPrecedesAMethodThenItStartsTheMethodsChunk() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("queue.go", QUEUE);

		Chunk push = SourceText.chunkNamed(chunks, "Queue.Push");
		assertThat(push.startLine()).isEqualTo(SourceText.lineOf(QUEUE, "// Push adds"));
		assertThat(push.endLine()).isEqualTo(SourceText.lineOf(QUEUE, "q.items = append(q.items, item)") + 1);
		assertThat(push.text()).isEqualTo(SourceText.lines(QUEUE, push.startLine(), push.endLine()));
	}

	@Test
	void whenTypeIsDeclaredThenItsSymbolIsTheTypesName() {
		List<Chunk> chunks = new SyntaxChunker(80).chunk("queue.go", QUEUE);

		Chunk queue = SourceText.chunkHolding(chunks, SourceText.lineOf(QUEUE, "type Queue[T any] struct"));
		assertThat(queue.symbol()).isEqualTo("Queue");
	}

	@Test
	void whenTypeBlockDeclaresSeveralTypesThenTheSymbolNamesThemAll() {
		String source = """
				package ids

				type (
					UserID  string
					OrderID string
				)
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("ids.go", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("UserID, OrderID");
	}

	@Test
	void whenMethodAndItsTypeShareAChunkThenTheChunkIsNamedAfterTheType() {
		String source = """
				package point

				type Point struct{ X, Y int }

				func (p Point) Add(q Point) Point { return Point{p.X + q.X, p.Y + q.Y} }
				""";

		List<Chunk> chunks = new SyntaxChunker(256).chunk("point.go", source);

		assertThat(SourceText.symbols(chunks)).containsExactly("Point");
	}

}
