package dev.devassist.simulator.api;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * Handles a POST whose body has been read and parsed.
 */
interface ApiHandler {

	Mono<Void> handle(JsonFields request, HttpServerResponse response);

}
