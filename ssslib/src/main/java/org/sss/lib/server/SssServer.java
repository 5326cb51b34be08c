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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.sss.lib.wire.AuthenticationException;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.FrameException;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;
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
    private final MessageHandler handler;
    private final ServerSocket serverSocket;
    private final ChallengeHandshake handshake;
    private final FrameWriter frameWriter;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread acceptor;

    private SssServer(ServerSettings settings, MessageHandler handler, ServerSocket serverSocket) {
        this.settings = settings;
        this.handler = handler;
        this.serverSocket = serverSocket;
        this.handshake = new ChallengeHandshake(settings.digest());
        this.frameWriter = new FrameWriter(settings.wire().maxMessageBytes());
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
        return open.get();
    }

    /** @return requests served since start */
    public long requestsServed() {
        return served.get();
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
            if (open.incrementAndGet() > settings.wire().maxConnections()) {
                open.decrementAndGet();
                LOG.warn("{}: refused connection from {}: {} connections already open", settings.component(),
                        peer(socket), settings.wire().maxConnections());
                closeQuietly(socket);
                continue;
            }
            Connection connection = new Connection(socket);
            connections.add(connection);
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
        for (Connection connection : connections) {
            connection.closeIfIdle();
        }
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        synchronized (connections) {
            while (!connections.isEmpty() && System.nanoTime() < deadline) {
                connections.forEach(Connection::closeIfIdle);
                try {
                    connections.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        connections.forEach(Connection::close);
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
    private final class Connection {
        private final Socket socket;
        private final String peer;
        private static final int BUSY = 0;
        private static final int IDLE = 1;
        private static final int CLOSED = 2;
        /** BUSY while handshaking or serving a request, IDLE while waiting for one; CLOSED is final. */
        private final AtomicInteger state = new AtomicInteger(BUSY);

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
                        state.get() == IDLE ? "idle for " + settings.wire().idleTimeout().toSeconds() + " s" : e.getMessage());
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
            while (!stopping.get() && state.compareAndSet(BUSY, IDLE)) {
                byte[] request;
                try {
                    request = reader.read();
                } catch (FrameException e) {
                    LOG.warn("{}: bad frame from {}: {}", settings.component(), peer, e.getMessage());
                    if (state.compareAndSet(IDLE, BUSY)) {
                        frameWriter.write(out, handler.errorReply(e.code(), e.getMessage()));
                    }
                    return;
                }
                if (request == null || !state.compareAndSet(IDLE, BUSY)) {
                    return;
                }
                byte[] reply = handler.handle(request, context);
                served.incrementAndGet();
                frameWriter.write(out, reply);
            }
        }

        void closeIfIdle() {
            if (state.compareAndSet(IDLE, CLOSED)) {
                close();
            }
        }

        void close() {
            state.set(CLOSED);
            if (connections.remove(this)) {
                open.decrementAndGet();
                synchronized (connections) {
                    connections.notifyAll();
                }
            }
            closeQuietly(socket);
        }
    }
}
