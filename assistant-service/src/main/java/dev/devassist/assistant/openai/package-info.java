/**
 * The OpenAI-compatible API that IDE plugins call.
 */
@NullMarked
package dev.devassist.assistant.openai;

import org.jspecify.annotations.NullMarked;
