package dev.devassist.simulator.api;

import dev.devassist.simulator.faults.Faults;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Writes JSON bodies and event streams.
 */
final class Responses {

	private Responses() {
	}

	static Mono<Void> json(HttpServerResponse response, int status, byte[] body) {
		return response.status(status)
			.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
			.sendByteArray(Mono.just(body))
			.then();
	}

	static Mono<Void> error(HttpServerResponse response, ApiException error) {
		return json(response, error.status(), error.body());
	}

	/**
	 * Streams events, each flushed as it comes. With the cut-stream fault on, the
	 * connection is closed without {@code [DONE]} after that many token events.
	 * @param response the response
	 * @param tokenEvents one event for each generated token
	 * @param head events before the tokens
	 * @param tail events after the tokens, ending with {@code [DONE]}
	 * @param faults the faults in force
	 * @return completes when the stream has been written
	 */
	static Mono<Void> events(HttpServerResponse response, Flux<byte[]> head, Flux<byte[]> tokenEvents,
			Flux<byte[]> tail, Faults faults) {
		int cutAfter = faults.settings().cutStreamAfterTokens();
		Flux<byte[]> body = (cutAfter > 0)
				? Flux.concat(head, tokenEvents.take(cutAfter),
						Mono.error(
								new StreamCutException("Stream cut after " + cutAfter + " tokens by fault injection")))
				: Flux.concat(head, tokenEvents, tail);
		return response.status(HttpResponseStatus.OK)
			.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
			.header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
			.send(body.map(Unpooled::wrappedBuffer), (buffer) -> true)
			.then();
	}

	/** Ends a stream abruptly, as a dying server would. */
	static final class StreamCutException extends RuntimeException {

		StreamCutException(String message) {
			super(message, null, false, false);
		}

	}

}
