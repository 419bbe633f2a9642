/**
 * Sources: git repositories and uploaded files, their metadata and stored copies.
 */
@NullMarked
package dev.devassist.rag.source;

import org.jspecify.annotations.NullMarked;
