/**
 * rag-service: sources, ingestion jobs, code-aware chunking, the index and hybrid search.
 */
@NullMarked
package dev.devassist.rag;

import org.jspecify.annotations.NullMarked;
