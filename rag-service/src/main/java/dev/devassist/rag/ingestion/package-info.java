/**
 * Ingestion jobs: the Redis Streams queue, the worker and progress.
 */
@NullMarked
package dev.devassist.rag.ingestion;

import org.jspecify.annotations.NullMarked;
