/**
 * Splits source files into chunks for embedding: along declarations for the languages
 * with a tree-sitter grammar, along headings for Markdown, along paragraphs for prose and
 * into line windows for everything else.
 */
@NullMarked
package dev.devassist.rag.chunking;

import org.jspecify.annotations.NullMarked;
