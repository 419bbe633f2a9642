/**
 * The gateway: the platform's only public door.
 */
@NullMarked
package dev.devassist.gateway;

import org.jspecify.annotations.NullMarked;
