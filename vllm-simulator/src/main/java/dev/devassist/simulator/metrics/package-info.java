/**
 * Prometheus metrics under vLLM's names.
 */
@NullMarked
package dev.devassist.simulator.metrics;

import org.jspecify.annotations.NullMarked;
