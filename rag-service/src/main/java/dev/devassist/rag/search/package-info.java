/**
 * Hybrid search: dense and lexical candidates, weighted fusion, citations.
 */
@NullMarked
package dev.devassist.rag.search;

import org.jspecify.annotations.NullMarked;
