/**
 * The agent's tools and the loop that runs them within a step limit and a budget.
 */
@NullMarked
package dev.devassist.assistant.agent;

import org.jspecify.annotations.NullMarked;
