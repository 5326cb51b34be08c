package org.sss.lib.server;

import java.io.IOException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Jetty server on one address and port, with a bounded thread pool and a bounded number of open connections
 * ({@value #CONNECTIONS_PER_THREAD} per thread, a quarter of them at most from one client address): what the HTTP
 * transport and the dashboard
 * serve with. Started by {@link #start}; {@link #close} stops it and never throws.
 */
public final class JettyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JettyServer.class);
    /** Open connections allowed per request thread; more wait to be accepted. */
    static final int CONNECTIONS_PER_THREAD = 8;
    /** One client address may hold at most this fraction (1/N) of the open connections. */
    static final int ADDRESS_SHARE = 4;
    private final String name;
    private final Server server;
    private final ServerConnector connector;

    private JettyServer(String name, Server server, ServerConnector connector) {
        this.name = name;
        this.server = server;
        this.connector = connector;
    }

    /**
     * @param name       names its threads and its log lines, e.g. {@code sss-http-queue-manager}
     * @param maxThreads the most requests handled at once
     * @param listen     the address to bind
     * @param port       the port (0: any free one)
     * @param handler    what answers each request
     * @return the running server
     * @throws IOException naming the address when it cannot be bound or the server cannot start
     */
    public static JettyServer start(String name, int maxThreads, String listen, int port, Handler handler)
            throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(maxThreads, 2);
        threads.setName(name);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(listen);
        connector.setPort(port);
        server.addConnector(connector);
        // Each open connection may hold a request's body being read (up to its maximum): their number is bounded.
        server.addBean(new NetworkConnectionLimit(CONNECTIONS_PER_THREAD * maxThreads, connector));
        // ... and one address may hold only a share of them, so that one host cannot take them all.
        connector.addEventListener(new AddressConnectionLimit(name, CONNECTIONS_PER_THREAD * maxThreads / ADDRESS_SHARE));
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // the start failed already; that failure is the one to report
            }
            throw new IOException(name + ": cannot serve HTTP on " + listen + ":" + port + ": " + e.getMessage(), e);
        }
        return new JettyServer(name, server, connector);
    }

    /** @return the bound port */
    public int port() {
        return connector.getLocalPort();
    }

    /** Stops serving; a failure to stop cleanly is logged. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("{}: did not stop cleanly: {}", name, e.toString());
        }
    }
}
