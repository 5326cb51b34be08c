package org.sss.lib.config;

import org.sss.lib.wire.Endpoint;

/**
 * Where a component listens and how it presents itself, from its element in the configuration.
 *
 * @param host     the name other hosts reach it by (advertised in the service directory)
 * @param listen   the address it binds
 * @param port     its TCP port; 0 picks a free one
 * @param keyName  the key it presents when it calls others
 * @param logLevel error, warn, info, debug or trace
 * @param httpPort its HTTP port for {@code POST /sss} (0 picks a free one), or {@code null} for no HTTP
 */
public record ComponentSettings(String host, String listen, int port, String keyName, String logLevel, Integer httpPort) {
    /**
     * Settings without HTTP.
     *
     * @param host     the advertised name
     * @param listen   the bind address
     * @param port     the challenge wire's port
     * @param keyName  the key it presents
     * @param logLevel its log level
     */
    public ComponentSettings(String host, String listen, int port, String keyName, String logLevel) {
        this(host, listen, port, keyName, logLevel, null);
    }

    /**
     * @return the configured endpoint
     * @throws IllegalStateException if the port is 0 (only known once the component runs)
     */
    public Endpoint endpoint() {
        if (port == 0) {
            throw new IllegalStateException("port 0 is chosen at start; ask the service directory for " + host);
        }
        return new Endpoint(host, port);
    }

    /**
     * @param newPort a port
     * @return the same settings with another port
     */
    public ComponentSettings withPort(int newPort) {
        return new ComponentSettings(host, listen, newPort, keyName, logLevel, httpPort);
    }
}
