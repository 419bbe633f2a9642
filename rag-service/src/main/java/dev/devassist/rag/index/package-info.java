/**
 * The chunk index: one interface, a Lucene and a Qdrant implementation.
 */
@NullMarked
package dev.devassist.rag.index;

import org.jspecify.annotations.NullMarked;
