/**
 * The internal identity token: a short-lived JWT the gateway signs for each request,
 * which every service verifies and scopes its work by.
 */
@NullMarked
package dev.devassist.platform.identity;

import org.jspecify.annotations.NullMarked;
