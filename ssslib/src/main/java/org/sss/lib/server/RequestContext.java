package org.sss.lib.server;

import org.sss.lib.wire.Principal;

/**
 * What a handler knows about the request besides its content.
 *
 * @param component the serving component's name
 * @param principal who is calling, as authenticated for this connection
 * @param peer      the caller's address, for logs
 */
public record RequestContext(String component, Principal principal, String peer) {
}
