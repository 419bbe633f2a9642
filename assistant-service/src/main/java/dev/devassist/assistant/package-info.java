/**
 * assistant-service: conversations, grounded streaming answers, agent tools and the IDE
 * API.
 */
@NullMarked
package dev.devassist.assistant;

import org.jspecify.annotations.NullMarked;
