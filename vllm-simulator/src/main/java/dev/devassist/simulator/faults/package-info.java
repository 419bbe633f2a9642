/**
 * Injected faults: errors, latency, hangs, cut streams, slow start and refused
 * connections.
 */
@NullMarked
package dev.devassist.simulator.faults;

import org.jspecify.annotations.NullMarked;
