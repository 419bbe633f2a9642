/**
 * Pools of backends and the policies that pick a replica for each request.
 */
@NullMarked
package dev.devassist.proxy.routing;

import org.jspecify.annotations.NullMarked;
