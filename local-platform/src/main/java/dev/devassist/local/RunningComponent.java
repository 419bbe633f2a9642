package dev.devassist.local;

/**
 * A part of the platform that runs as a process of its own, and stops in order.
 */
interface RunningComponent {

	/**
	 * Says where the component runs.
	 * @return its placement
	 */
	Placement placement();

	/**
	 * Stops the component and waits until its process, and any process it started, is
	 * gone. Never throws for a component that is already stopped.
	 */
	void stop();

}
