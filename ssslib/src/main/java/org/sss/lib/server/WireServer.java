package org.sss.lib.server;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.sss.lib.config.WireSettings;
import org.sss.lib.wire.FrameReader;

/**
 * A wire's server, whatever carries the bytes: an acceptor thread that takes each new connection the wire accepts,
 * admits it up to the wire's maximum (refusing, logging and closing the rest) and serves it on its own virtual
 * thread, counting the requests served; and the graceful stop. How a connection is accepted and its caller
 * authenticated is the wire's ({@link SssServer}: TCP and the challenge handshake; {@link LocalServer}: a Unix-domain
 * socket and the kernel's peer credentials); once the caller is known, every wire serves framed request/reply pairs
 * through a {@link MessageHandler} the same way.
 *
 * <p>{@link #close()} stops accepting, closes idle connections, lets requests in progress finish and reply (up to
 * 5 s), then closes the rest. Thread-safe.
 *
 * @param <C> the wire's accepted connection
 */
public abstract sealed class WireServer<C extends WireServer.Accepted> implements AutoCloseable
        permits SssServer, LocalServer {
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    /** A connection the wire has accepted, before it is admitted. */
    interface Accepted {
        /** @return who is at the other end, for logs ({@code host:port}, {@code local:USER}) */
        String peer();

        /** Closes the connection, quietly. */
        void close();
    }

    /** An admitted connection as its wire sees it while serving it. */
    interface Session {
        /**
         * Serves request/reply pairs once the caller is known, until the connection should end.
         *
         * @param reader  the connection's frames
         * @param out     the connection's (buffered) output
         * @param context who is calling
         * @param pacing  what the wire does around each request
         * @throws IOException if the connection fails or times out
         */
        void serve(FrameReader reader, OutputStream out, RequestContext context, RequestLoop.Pacing pacing)
                throws IOException;

        /** @return true while the connection waits for a request */
        boolean idle();
    }

    private final Logger log;
    private final String component;
    private final String threadPrefix;
    private final OpenConnections connections;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final RequestLoop requests;
    private final Thread acceptor;

    /**
     * @param log          the server's logger
     * @param component    the component's name, for logs and thread names
     * @param threadPrefix the threads' name prefix ({@code sss-}, {@code sss-local-})
     * @param wire         the wire's limits
     * @param handler      what answers requests
     */
    WireServer(Logger log, String component, String threadPrefix, WireSettings wire, MessageHandler handler) {
        this.log = log;
        this.component = component;
        this.threadPrefix = threadPrefix;
        this.connections = new OpenConnections(wire.maxConnections());
        this.requests = new RequestLoop(log, component, handler, wire.maxMessageBytes(), stopping::get);
        this.acceptor = Thread.ofPlatform().daemon().name(threadPrefix + "accept-" + component).unstarted(this::acceptLoop);
    }

    /**
     * Waits for the next connection (on the acceptor thread).
     *
     * @return it, or null if the wire refused it at once (having logged why and closed it)
     * @throws IOException if accepting failed (always once the listener is closed)
     */
    abstract C accept() throws IOException;

    /**
     * Serves an admitted connection until it ends, on the connection's own thread: authenticates its caller, then
     * hands it to {@link Session#serve}; logs how the connection ended. The connection is closed afterwards.
     *
     * @param connection the connection
     * @param session    its place among the served connections
     */
    abstract void serve(C connection, Session session);

    /** Closes the listener, so that {@link #accept()} stops waiting. */
    abstract void stopListening();

    /** @return where it listened, for the log line of the stop ({@code port N}, a socket's path) */
    abstract String listeningOn();

    /** Starts accepting. */
    final void startAccepting() {
        acceptor.start();
    }

    /** @return connections open now */
    public final int openConnections() {
        return connections.open();
    }

    /** @return requests served since start */
    public final long requestsServed() {
        return requests.served();
    }

    private void acceptLoop() {
        MDC.put("component", component);
        while (!stopping.get()) {
            C accepted;
            try {
                accepted = accept();
            } catch (IOException e) {
                if (!stopping.get()) {
                    log.warn("{}: accept failed: {}", component, e.getMessage());
                }
                continue;
            }
            if (accepted == null) {
                continue;
            }
            Served session = new Served(accepted);
            if (!connections.admit(session)) {
                log.warn("{}: refused connection from {}: {} connections already open", component, accepted.peer(),
                        connections.max());
                accepted.close();
                continue;
            }
            Thread.ofVirtual().name(threadPrefix + "conn-" + component).start(session::run);
        }
    }

    /**
     * Stops accepting (and, on the local wire, removes the socket file), closes idle connections, waits up to 5 s
     * for requests in progress to be answered, then closes the rest. Only the first call does anything.
     */
    @Override
    public final void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        stopListening();
        connections.drain(DRAIN_TIMEOUT);
        try {
            acceptor.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("{}: stopped listening on {}", component, listeningOn());
    }

    /** One admitted connection: its state and its place among the open connections. */
    private final class Served implements Session, OpenConnections.Member {
        private final C connection;
        private final ConnectionState state = new ConnectionState();

        private Served(C connection) {
            this.connection = connection;
        }

        private void run() {
            MDC.put("component", component);
            MDC.put("peer", connection.peer());
            try {
                WireServer.this.serve(connection, this);
            } finally {
                close();
                MDC.clear();
            }
        }

        @Override
        public void serve(FrameReader reader, OutputStream out, RequestContext context, RequestLoop.Pacing pacing)
                throws IOException {
            requests.serve(reader, out, state, context, pacing);
        }

        @Override
        public boolean idle() {
            return state.idle();
        }

        @Override
        public void closeIfIdle() {
            if (state.closeIfIdle()) {
                close();
            }
        }

        @Override
        public void close() {
            state.close();
            connections.leave(this);
            connection.close();
        }
    }
}
