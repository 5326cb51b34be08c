package org.sss.lib.server;

import java.nio.file.Path;
import java.util.Objects;
import org.sss.lib.config.WireSettings;

/**
 * What a {@link LocalServer} needs: its name, the socket path and the wire's limits (of which it uses the
 * maximum message size, the idle and frame timeouts and the maximum number of connections).
 *
 * @param component the component's name (logs, request contexts)
 * @param socket    the Unix-domain socket's path
 * @param wire      limits and timeouts
 */
public record LocalServerSettings(String component, Path socket, WireSettings wire) {
    /** Checks that nothing is missing. */
    public LocalServerSettings {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(wire, "wire");
    }
}
