/**
 * An OpenID Connect provider for tests: Spring Authorization Server with two users and
 * the gateway as its one client.
 */
@NullMarked
package dev.devassist.testoidc;

import org.jspecify.annotations.NullMarked;
