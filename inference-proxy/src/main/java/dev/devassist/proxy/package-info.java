/**
 * The inference proxy: the one way the platform's services reach model servers.
 */
@NullMarked
package dev.devassist.proxy;

import org.jspecify.annotations.NullMarked;
