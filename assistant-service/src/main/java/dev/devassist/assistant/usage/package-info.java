/**
 * Usage for a tenant's admins: answers, tokens and latency per user and model over time.
 */
@NullMarked
package dev.devassist.assistant.usage;

import org.jspecify.annotations.NullMarked;
