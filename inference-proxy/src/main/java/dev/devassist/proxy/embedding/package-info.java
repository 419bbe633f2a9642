/**
 * The in-process embedding pool: the ONNX all-MiniLM-L6-v2 model, with requests batched
 * into shared tensor runs.
 */
@NullMarked
package dev.devassist.proxy.embedding;

import org.jspecify.annotations.NullMarked;
