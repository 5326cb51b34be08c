package org.sss.lib.config;

import java.time.Duration;
import org.sss.lib.xml.XmlLimits;

/**
 * Limits and timeouts of the challenge wire, from the {@code <wire>} element.
 *
 * @param maxMessageBytes  largest message accepted or sent
 * @param idleTimeout      a connection with no request for this long is closed
 * @param handshakeTimeout time a client has to answer the challenge
 * @param frameTimeout     time a started message has to arrive whole
 * @param callTimeout      time a client waits for a reply
 * @param maxConnections   connections served at once by one component
 * @param xmlLimits        structural XML limits
 */
public record WireSettings(int maxMessageBytes, Duration idleTimeout, Duration handshakeTimeout, Duration frameTimeout,
                           Duration callTimeout, int maxConnections, XmlLimits xmlLimits) {
    /** The schema's defaults. */
    public static final WireSettings DEFAULT = new WireSettings(4 * 1024 * 1024, Duration.ofSeconds(300),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), 10_000, XmlLimits.DEFAULT);
}
