/**
 * The engine model: continuous batching, a prefix cache of token blocks, and step
 * latency.
 */
@NullMarked
package dev.devassist.simulator.engine;

import org.jspecify.annotations.NullMarked;
