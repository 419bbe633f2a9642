/**
 * A deterministic approximate tokenizer and the chat prompt template.
 */
@NullMarked
package dev.devassist.simulator.tokens;

import org.jspecify.annotations.NullMarked;
