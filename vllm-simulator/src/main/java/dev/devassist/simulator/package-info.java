/**
 * The vLLM simulator: a stand-in for vLLM's OpenAI-compatible server.
 */
@NullMarked
package dev.devassist.simulator;

import org.jspecify.annotations.NullMarked;
