/**
 * What every DevAssist service shares: verification of the gateway's internal identity
 * token, request ids carried into logs and answers, and problem+json errors.
 */
@NullMarked
package dev.devassist.platform;

import org.jspecify.annotations.NullMarked;
