/**
 * Calls to the inference proxy's OpenAI-compatible API, behind a circuit breaker.
 */
@NullMarked
package dev.devassist.assistant.inference;

import org.jspecify.annotations.NullMarked;
