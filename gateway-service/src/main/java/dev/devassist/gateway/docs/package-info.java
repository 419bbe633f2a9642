/**
 * {@code /api/docs}: one OpenAPI description of everything the gateway serves, its own
 * APIs and the services' behind it.
 */
@NullMarked
package dev.devassist.gateway.docs;

import org.jspecify.annotations.NullMarked;
