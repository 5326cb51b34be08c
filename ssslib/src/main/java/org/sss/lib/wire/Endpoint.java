package org.sss.lib.wire;

/**
 * Where a component listens: a host name or address and a TCP port.
 *
 * @param host name or literal address
 * @param port TCP port, 1 to 65535
 */
public record Endpoint(String host, int port) {
    /** Validates the port. */
    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("endpoint host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port out of range: " + port);
        }
    }

    /**
     * @param text {@code host:port}
     * @return the endpoint
     * @throws IllegalArgumentException if the text is not {@code host:port} with a valid port
     */
    public static Endpoint parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
        }
        try {
            return new Endpoint(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port is not a number in '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
