package org.sss.lib.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sss.lib.wire.AuthenticationException;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.ReadTimeouts;

/**
 * The challenge-wire server: accepts TCP connections, authenticates each with the {@link ChallengeHandshake},
 * then serves any number of framed request/reply pairs through a {@link MessageHandler}.
 *
 * <p>Each connection runs on its own virtual thread. A malformed frame gets an {@code <error>} reply where the
 * stream still allows one, then the connection closes; a bad XML message gets an error reply and the connection
 * stays open. Idle connections close after the idle timeout, slow messages after the frame timeout, failed
 * handshakes at once; connections beyond the maximum are closed on accept. {@link #close()} stops accepting,
 * closes idle connections and lets requests in progress finish and reply (up to 5 s).
 */
public final class SssServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SssServer.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final ServerSettings settings;
    private final ServerSocket serverSocket;
    private final ChallengeHandshake handshake;
    private final OpenConnections connections;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final RequestLoop requests;
    private final Thread acceptor;

    private SssServer(ServerSettings settings, MessageHandler handler, ServerSocket serverSocket) {
        this.settings = settings;
        this.serverSocket = serverSocket;
        this.handshake = new ChallengeHandshake(settings.digest());
        this.connections = new OpenConnections(settings.wire().maxConnections());
        this.requests = new RequestLoop(LOG, settings.component(), handler, settings.wire().maxMessageBytes(),
                stopping::get);
        this.acceptor = Thread.ofPlatform().daemon().name("sss-accept-" + settings.component()).unstarted(this::acceptLoop);
    }

    /**
     * Binds and starts serving.
     *
     * @param settings where and how
     * @param handler  what to do with each message
     * @return the running server
     * @throws IOException if the address cannot be bound (the message names it)
     */
    public static SssServer start(ServerSettings settings, MessageHandler handler) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.listen()), settings.port()), 1024);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on " + settings.listen() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        SssServer server = new SssServer(settings, handler, socket);
        server.acceptor.start();
        LOG.info("{}: listening on {}:{} (digest {})", settings.component(), settings.listen(), server.port(),
                settings.digest().configName());
        return server;
    }

    /** @return the bound port (useful when started on port 0) */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** @return connections open now */
    public int openConnections() {
        return connections.open();
    }

    /** @return requests served since start */
    public long requestsServed() {
        return requests.served();
    }

    private void acceptLoop() {
        MDC.put("component", settings.component());
        while (!stopping.get()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!stopping.get()) {
                    LOG.warn("{}: accept failed: {}", settings.component(), e.getMessage());
                }
                continue;
            }
            Connection connection = new Connection(socket);
            if (!connections.admit(connection)) {
                LOG.warn("{}: refused connection from {}: {} connections already open", settings.component(),
                        connection.peer, connections.max());
                closeQuietly(socket);
                continue;
            }
            Thread.ofVirtual().name("sss-conn-" + settings.component()).start(connection::run);
        }
    }

    /**
     * Stops accepting, closes idle connections, waits up to 5 s for requests in progress to be answered, then
     * closes the rest.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(serverSocket);
        connections.drain(DRAIN_TIMEOUT);
        try {
            acceptor.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("{}: stopped listening on port {}", settings.component(), port());
    }

    private static String peer(Socket socket) {
        var address = socket.getRemoteSocketAddress();
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.trace("close failed: {}", e.toString());
        }
    }

    /** One client connection: handshake, then request/reply pairs until either side stops. */
    private final class Connection implements OpenConnections.Member {
        private final Socket socket;
        private final String peer;
        private final ConnectionState state = new ConnectionState();

        Connection(Socket socket) {
            this.socket = socket;
            this.peer = peer(socket);
        }

        void run() {
            MDC.put("component", settings.component());
            MDC.put("peer", peer);
            try {
                socket.setTcpNoDelay(true);
                socket.setSoTimeout((int) settings.wire().handshakeTimeout().toMillis());
                InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
                Principal principal = handshake.accept(in, out, settings.keys());
                LOG.debug("{}: {} authenticated as {}", settings.component(), peer, principal);
                serve(in, out, new RequestContext(settings.component(), principal, peer));
            } catch (AuthenticationException e) {
                LOG.warn("{}: refused connection from {}: {}", settings.component(), peer, e.getMessage());
            } catch (SocketTimeoutException e) {
                LOG.info("{}: closed connection from {}: {}", settings.component(), peer,
                        state.idle() ? "idle for " + settings.wire().idleTimeout().toSeconds() + " s" : e.getMessage());
            } catch (EOFException | SocketException e) {
                LOG.debug("{}: connection from {} ended: {}", settings.component(), peer, e.getMessage());
            } catch (IOException e) {
                LOG.info("{}: connection from {} failed: {}", settings.component(), peer, e.getMessage());
            } finally {
                close();
                MDC.clear();
            }
        }

        private void serve(InputStream in, OutputStream out, RequestContext context) throws IOException {
            FrameReader reader = new FrameReader(in, settings.wire().maxMessageBytes(),
                    ReadTimeouts.of(socket, settings.wire().idleTimeout(), settings.wire().frameTimeout()));
            requests.serve(reader, out, state, context, RequestLoop.Pacing.NONE);
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
            closeQuietly(socket);
        }
    }
}
