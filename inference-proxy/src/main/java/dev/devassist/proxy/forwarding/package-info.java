/**
 * Forwarding requests to a replica and streaming its answer back, with retries and
 * timeouts.
 */
@NullMarked
package dev.devassist.proxy.forwarding;

import org.jspecify.annotations.NullMarked;
