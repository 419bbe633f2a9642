/**
 * The proxy's meters, named after the Gateway API Inference Extension.
 */
@NullMarked
package dev.devassist.proxy.metrics;

import org.jspecify.annotations.NullMarked;
