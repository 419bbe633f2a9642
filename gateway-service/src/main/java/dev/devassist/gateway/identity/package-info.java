/**
 * Who a caller is: authentication by session or API key, and the internal token minted
 * for the services.
 */
@NullMarked
package dev.devassist.gateway.identity;

import org.jspecify.annotations.NullMarked;
