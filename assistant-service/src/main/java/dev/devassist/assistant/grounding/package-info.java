/**
 * Evidence from rag-service and the prompt that fits it, with the history, into the
 * model's window.
 */
@NullMarked
package dev.devassist.assistant.grounding;

import org.jspecify.annotations.NullMarked;
