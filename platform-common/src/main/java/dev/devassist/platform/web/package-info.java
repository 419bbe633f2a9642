/**
 * Request ids and problem+json answers for the services' WebFlux APIs.
 */
@NullMarked
package dev.devassist.platform.web;

import org.jspecify.annotations.NullMarked;
