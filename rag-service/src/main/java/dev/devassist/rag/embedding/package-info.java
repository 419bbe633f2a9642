/**
 * Embeddings through the inference proxy.
 */
@NullMarked
package dev.devassist.rag.embedding;

import org.jspecify.annotations.NullMarked;
