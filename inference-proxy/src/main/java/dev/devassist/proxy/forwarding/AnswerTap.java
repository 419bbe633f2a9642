package dev.devassist.proxy.forwarding;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Watches a replica's answer go by for what the meters need: when a stream's first token
 * and its last chunk came, and the token counts in the answer's {@code usage}. When the
 * proxy asked for usage on a stream whose client did not, it also takes the usage-only
 * event out again, so the client gets the stream it asked for.
 * <p>
 * A stream is cut into events only when one has to be removed; then an event split across
 * buffers is held back until its end arrives, up to {@link #MAX_HELD} bytes. A whole
 * answer keeps only its last {@link #TAIL} bytes, where vLLM writes the usage, and a
 * stream whose usage passes through its last {@link #STREAM_TAIL}. Either way the memory
 * per answer is bounded.
 */
final class AnswerTap {

	/** The end of a whole answer kept to find its usage in. */
	static final int TAIL = 512;

	/** The end of a stream kept to find its last usage event in. */
	static final int STREAM_TAIL = 2048;

	/** The most bytes of an unfinished event held back; beyond, it is passed on as is. */
	static final int MAX_HELD = 256 * 1024;

	private static final byte[] USAGE = bytes("\"usage\":{");

	private static final byte[] PROMPT_TOKENS = bytes("\"prompt_tokens\":");

	private static final byte[] COMPLETION_TOKENS = bytes("\"completion_tokens\":");

	private static final byte[] NO_CHOICES = bytes("\"choices\":[]");

	/**
	 * What a chunk that carries a token holds: text of a chat delta (also the end of
	 * {@code reasoning_content}), a completion's text, or a tool call. vLLM's first chunk
	 * carries only the role and an empty content, which is not a token.
	 */
	private static final byte[][] TOKEN_MARKS = { bytes("\"content\":\""), bytes("\"text\":\""),
			bytes("\"tool_calls\":[") };

	private final boolean eventStream;

	private final boolean stripUsage;

	private final byte[] tail;

	private int tailLength;

	private ByteBuf held = Unpooled.EMPTY_BUFFER;

	private long firstTokenNanos;

	private long lastChunkNanos;

	private int promptTokens = -1;

	private int completionTokens = -1;

	/**
	 * Creates a tap for one answer.
	 * @param eventStream whether the answer is a stream of server-sent events
	 * @param stripUsage whether the stream's usage-only event is to be removed
	 */
	AnswerTap(boolean eventStream, boolean stripUsage) {
		this.eventStream = eventStream;
		this.stripUsage = eventStream && stripUsage;
		// A stream whose usage event passes through keeps its end too: read buffer by
		// buffer, an event split between two buffers would go uncounted.
		this.tail = (eventStream && this.stripUsage) ? new byte[0] : new byte[eventStream ? STREAM_TAIL : TAIL];
	}

	/**
	 * Looks at the next buffer of the answer.
	 * @param chunk the buffer, whose reference passes to this method
	 * @param now the time it arrived, from {@link System#nanoTime()}
	 * @return what to send on, whose reference passes to the caller; may be empty
	 */
	ByteBuf next(ByteBuf chunk, long now) {
		this.lastChunkNanos = now;
		if (!this.eventStream) {
			keepTail(chunk);
			return chunk;
		}
		if (this.firstTokenNanos == 0 && holdsToken(chunk)) {
			this.firstTokenNanos = now;
		}
		if (!this.stripUsage) {
			keepTail(chunk);
			return chunk;
		}
		return withoutUsageEvent(chunk);
	}

	/**
	 * Looks at a whole answer gathered in one buffer, reading the usage from its tail.
	 * @param body the answer, which stays the caller's
	 * @param now when its end arrived, from {@link System#nanoTime()}
	 */
	void whole(ByteBuf body, long now) {
		this.lastChunkNanos = now;
		// One bulk copy of the tail, then a scan of plain memory: scanning a direct
		// buffer
		// byte by byte checks its bounds at every byte.
		int end = body.writerIndex();
		int from = Math.max(body.readerIndex(), end - TAIL);
		body.getBytes(from, this.tail, 0, end - from);
		this.tailLength = end - from;
		readUsage(Unpooled.wrappedBuffer(this.tail, 0, this.tailLength), 0, this.tailLength);
	}

	/**
	 * Ends the answer: a whole answer's usage is read from its tail.
	 * @return what was held back and must still be sent, possibly empty
	 */
	ByteBuf end() {
		if (!this.stripUsage) {
			ByteBuf tail = Unpooled.wrappedBuffer(this.tail, 0, this.tailLength);
			readUsage(tail, 0, this.tailLength);
		}
		ByteBuf rest = this.held;
		this.held = Unpooled.EMPTY_BUFFER;
		return rest;
	}

	/** Drops whatever was held back, when the answer ends in an error. */
	void discard() {
		this.held.release();
		this.held = Unpooled.EMPTY_BUFFER;
	}

	/**
	 * When a stream's first token came.
	 * @return its {@link System#nanoTime()}, or 0 when none came or the answer is whole
	 */
	long firstTokenNanos() {
		return this.firstTokenNanos;
	}

	long lastChunkNanos() {
		return this.lastChunkNanos;
	}

	/**
	 * The prompt's tokens by the replica's usage.
	 * @return the count, or -1 when the answer carried none
	 */
	int promptTokens() {
		return this.promptTokens;
	}

	/**
	 * The tokens generated by the replica's usage.
	 * @return the count, or -1 when the answer carried none
	 */
	int completionTokens() {
		return this.completionTokens;
	}

	private static boolean holdsToken(ByteBuf chunk) {
		int end = chunk.writerIndex();
		for (byte[] mark : TOKEN_MARKS) {
			int at = indexOf(chunk, chunk.readerIndex(), end, mark);
			while (at >= 0) {
				int next = at + mark.length;
				byte empty = (mark[mark.length - 1] == '[') ? (byte) ']' : (byte) '"';
				if (next < end && chunk.getByte(next) != empty) {
					return true;
				}
				at = indexOf(chunk, next, end, mark);
			}
		}
		return false;
	}

	private void keepTail(ByteBuf chunk) {
		int readable = chunk.readableBytes();
		int size = this.tail.length;
		if (readable >= size) {
			chunk.getBytes(chunk.writerIndex() - size, this.tail, 0, size);
			this.tailLength = size;
			return;
		}
		int keep = Math.min(this.tailLength, size - readable);
		System.arraycopy(this.tail, this.tailLength - keep, this.tail, 0, keep);
		chunk.getBytes(chunk.readerIndex(), this.tail, keep, readable);
		this.tailLength = keep + readable;
	}

	private ByteBuf withoutUsageEvent(ByteBuf chunk) {
		// Most buffers are whole events none of which is the usage event: they pass as
		// they are, after one scan.
		if (!this.held.isReadable() && endsEvent(chunk)
				&& indexOf(chunk, chunk.readerIndex(), chunk.writerIndex(), NO_CHOICES) < 0) {
			return chunk;
		}
		ByteBuf all = join(this.held, chunk);
		this.held = Unpooled.EMPTY_BUFFER;
		int end = lastEventEnd(all);
		if (end < 0) {
			ByteBuf passed = holdOrPass(all, all.readerIndex());
			all.release();
			return passed;
		}
		CompositeByteBuf out = Unpooled.compositeBuffer();
		int start = all.readerIndex();
		while (start < end) {
			int eventEnd = eventEnd(all, start, end);
			if (isUsageOnly(all, start, eventEnd)) {
				readUsage(all, start, eventEnd);
			}
			else {
				out.addComponent(true, all.retainedSlice(start, eventEnd - start));
			}
			start = eventEnd;
		}
		ByteBuf rest = holdOrPass(all, end);
		if (rest.isReadable()) {
			out.addComponent(true, rest);
		}
		else {
			rest.release();
		}
		all.release();
		return out;
	}

	/**
	 * Holds back the unfinished event from {@code from} on, or passes it on when it has
	 * grown past the bound.
	 * @return what to send now; the caller still owns {@code all} and releases it
	 */
	private ByteBuf holdOrPass(ByteBuf all, int from) {
		int length = all.writerIndex() - from;
		if (length == 0) {
			return Unpooled.EMPTY_BUFFER;
		}
		if (length > MAX_HELD) {
			return all.retainedSlice(from, length);
		}
		this.held = Unpooled.copiedBuffer(all.slice(from, length));
		return Unpooled.EMPTY_BUFFER;
	}

	private static ByteBuf join(ByteBuf held, ByteBuf chunk) {
		if (!held.isReadable()) {
			held.release();
			return chunk;
		}
		return Unpooled.wrappedBuffer(held, chunk);
	}

	private static boolean endsEvent(ByteBuf buffer) {
		int end = buffer.writerIndex();
		return end - buffer.readerIndex() >= 2 && buffer.getByte(end - 1) == '\n' && buffer.getByte(end - 2) == '\n';
	}

	/** The index just past the last blank line that ends an event, or -1. */
	private static int lastEventEnd(ByteBuf buffer) {
		for (int i = buffer.writerIndex() - 1; i > buffer.readerIndex(); i--) {
			if (buffer.getByte(i) == '\n' && buffer.getByte(i - 1) == '\n') {
				return i + 1;
			}
		}
		return -1;
	}

	private static int eventEnd(ByteBuf buffer, int start, int limit) {
		for (int i = start + 1; i < limit; i++) {
			if (buffer.getByte(i) == '\n' && buffer.getByte(i - 1) == '\n') {
				return i + 1;
			}
		}
		return limit;
	}

	private static boolean isUsageOnly(ByteBuf buffer, int start, int end) {
		return indexOf(buffer, start, end, NO_CHOICES) >= 0 && indexOf(buffer, start, end, USAGE) >= 0;
	}

	private void readUsage(ByteBuf buffer, int start, int end) {
		// The last usage counts: a stream may carry running totals before the final one.
		int usage = indexOf(buffer, start, end, USAGE);
		if (usage < 0) {
			return;
		}
		for (int next = indexOf(buffer, usage + 1, end, USAGE); next >= 0; next = indexOf(buffer, next + 1, end,
				USAGE)) {
			usage = next;
		}
		int close = indexOf(buffer, usage, end, new byte[] { '}' });
		int limit = (close >= 0) ? close : end;
		int prompt = number(buffer, indexOf(buffer, usage, limit, PROMPT_TOKENS), PROMPT_TOKENS.length, limit);
		int completion = number(buffer, indexOf(buffer, usage, limit, COMPLETION_TOKENS), COMPLETION_TOKENS.length,
				limit);
		if (prompt >= 0) {
			this.promptTokens = prompt;
			this.completionTokens = Math.max(completion, 0);
		}
	}

	private static int number(ByteBuf buffer, int at, int skip, int limit) {
		if (at < 0) {
			return -1;
		}
		int i = at + skip;
		while (i < limit && buffer.getByte(i) == ' ') {
			i++;
		}
		long value = 0;
		int digits = 0;
		while (i < limit && digits < 10) {
			byte digit = buffer.getByte(i);
			if (digit < '0' || digit > '9') {
				break;
			}
			value = value * 10 + (digit - '0');
			digits++;
			i++;
		}
		return (digits == 0 || value > Integer.MAX_VALUE) ? -1 : (int) value;
	}

	private static int indexOf(ByteBuf buffer, int start, int end, byte[] needle) {
		int last = end - needle.length;
		int i = start;
		while (i <= last) {
			// ByteBuf.indexOf scans for one byte many at a time.
			i = buffer.indexOf(i, last + 1, needle[0]);
			if (i < 0) {
				return -1;
			}
			if (matches(buffer, i, needle)) {
				return i;
			}
			i++;
		}
		return -1;
	}

	private static boolean matches(ByteBuf buffer, int at, byte[] needle) {
		for (int j = 1; j < needle.length; j++) {
			if (buffer.getByte(at + j) != needle[j]) {
				return false;
			}
		}
		return true;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

}
