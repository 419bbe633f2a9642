/**
 * A chat turn: its typed event stream over SSE and WebSocket, stop and resume.
 */
@NullMarked
package dev.devassist.assistant.chat;

import org.jspecify.annotations.NullMarked;
