/**
 * What the services' integration tests share to start real servers.
 */
@NullMarked
package dev.devassist.testsupport;

import org.jspecify.annotations.NullMarked;
