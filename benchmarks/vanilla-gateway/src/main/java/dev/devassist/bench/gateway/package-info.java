/**
 * The gateway benchmark's reference gateway.
 */
package dev.devassist.bench.gateway;
