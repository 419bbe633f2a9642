/**
 * The HTTP surface: vLLM's OpenAI-compatible endpoints, health and version.
 */
@NullMarked
package dev.devassist.simulator.api;

import org.jspecify.annotations.NullMarked;
