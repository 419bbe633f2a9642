package dev.devassist.local;

/**
 * Where one running component of the platform is: what {@code platform.json} and the
 * status table show.
 *
 * @param name the component's name, e.g. {@code postgres} or {@code vllm-simulator}
 * @param pid the operating system's id of its process
 * @param port the TCP port it listens on
 * @param url the address clients use
 * @param health the address that tells whether it is healthy: {@code http://} for an HTTP
 * GET that must answer 200, {@code tcp://} for a port that must accept connections
 */
record Placement(String name, long pid, int port, String url, String health) {

}
