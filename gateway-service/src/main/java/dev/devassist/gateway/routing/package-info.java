/**
 * Routes to the services, the identity relayed to them, and rate limits.
 */
@NullMarked
package dev.devassist.gateway.routing;

import org.jspecify.annotations.NullMarked;
