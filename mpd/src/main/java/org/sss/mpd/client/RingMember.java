package org.sss.mpd.client;

import org.sss.lib.wire.Endpoint;

/**
 * A member of the ring as {@link MpdConsole#trace()} reports it.
 *
 * @param id       its unique id in the ring
 * @param host     the host name ranks report
 * @param endpoint where it listens for mpds and consoles
 */
public record RingMember(String id, String host, Endpoint endpoint) {
}
