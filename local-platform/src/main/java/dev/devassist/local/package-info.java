/**
 * The local platform: PostgreSQL, Redis and the platform's services on one machine, with
 * all their data under one folder, behind {@code ./devassist up}.
 */
@NullMarked
package dev.devassist.local;

import org.jspecify.annotations.NullMarked;
