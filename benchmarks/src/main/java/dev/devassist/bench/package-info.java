/**
 * Load harness: clients that drive the platform's services for benchmarks and soak tests.
 */
@NullMarked
package dev.devassist.bench;

import org.jspecify.annotations.NullMarked;
