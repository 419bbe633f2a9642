/**
 * Tenants, users and their passwords: login, the bootstrap admin and administration.
 */
@NullMarked
package dev.devassist.gateway.account;

import org.jspecify.annotations.NullMarked;
