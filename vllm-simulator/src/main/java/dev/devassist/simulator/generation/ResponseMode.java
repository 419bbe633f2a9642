package dev.devassist.simulator.generation;

/**
 * What the simulated model says when no script rule or tool rule applies.
 */
public enum ResponseMode {

	/** Repeats the last message back. */
	ECHO,

	/** Writes deterministic filler text, varied by seed, prompt and choice. */
	GENERATE

}
