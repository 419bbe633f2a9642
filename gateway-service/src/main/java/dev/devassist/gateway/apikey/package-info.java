/**
 * API keys: created, listed and revoked by their users, stored hashed, checked on every
 * call.
 */
@NullMarked
package dev.devassist.gateway.apikey;

import org.jspecify.annotations.NullMarked;
