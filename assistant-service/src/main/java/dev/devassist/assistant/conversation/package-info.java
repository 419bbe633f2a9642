/**
 * Conversations and their messages, kept per tenant and owner in PostgreSQL.
 */
@NullMarked
package dev.devassist.assistant.conversation;

import org.jspecify.annotations.NullMarked;
