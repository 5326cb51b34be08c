package org.sss.lib.server;

import org.sss.lib.config.WireSettings;
import org.sss.lib.wire.Digest;
import org.sss.lib.wire.KeyRing;

/**
 * What an {@link SssServer} needs: where to listen, whom to accept and the wire's limits.
 *
 * @param component the component's name (logs, request contexts)
 * @param listen    address to bind
 * @param port      port to bind; 0 picks a free one
 * @param digest    challenge digest
 * @param keys      accepted keys
 * @param wire      limits and timeouts
 */
public record ServerSettings(String component, String listen, int port, Digest digest, KeyRing keys, WireSettings wire) {
}
