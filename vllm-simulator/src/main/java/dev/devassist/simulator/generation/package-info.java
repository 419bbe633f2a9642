/**
 * What the simulated model answers: echoed, generated or scripted text, and tool calls.
 */
@NullMarked
package dev.devassist.simulator.generation;

import org.jspecify.annotations.NullMarked;
