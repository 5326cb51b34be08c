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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
public final class SssServer extends WireServer<SssServer.TcpConnection> {
    /**
     * Closes connections whose handshake is not done, or whose reply is not taken, in time (one thread for every
     * server in the process).
     */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sss-wire-deadlines").factory());
    private static final Logger LOG = LoggerFactory.getLogger(SssServer.class);

    private final ServerSettings settings;
    private final ServerSocket serverSocket;
    private final ChallengeHandshake handshake;

    private SssServer(ServerSettings settings, MessageHandler handler, ServerSocket serverSocket) {
        super(LOG, settings.component(), "sss-", settings.wire(), handler);
        this.settings = settings;
        this.serverSocket = serverSocket;
        this.handshake = new ChallengeHandshake(settings.digest());
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
        server.startAccepting();
        LOG.info("{}: listening on {}:{} (digest {})", settings.component(), settings.listen(), server.port(),
                settings.digest().configName());
        return server;
    }

    /** @return the bound port (useful when started on port 0) */
    public int port() {
        return serverSocket.getLocalPort();
    }

    @Override
    TcpConnection accept() throws IOException {
        Socket socket = serverSocket.accept();
        return new TcpConnection(socket, peer(socket));
    }

    @Override
    void stopListening() {
        closeQuietly(serverSocket);
    }

    @Override
    String listeningOn() {
        return "port " + port();
    }

    /** One client connection: handshake, then request/reply pairs until either side stops. */
    @Override
    void serve(TcpConnection connection, Session session) {
        Socket socket = connection.socket();
        String peer = connection.peer();
        try {
            socket.setTcpNoDelay(true);
            Duration limit = settings.wire().handshakeTimeout();
            socket.setSoTimeout((int) limit.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            Principal principal = handshakeWithin(limit, socket, () -> handshake.accept(in, out, settings.keys()));
            LOG.debug("{}: {} authenticated as {}", settings.component(), peer, principal);
            FrameReader reader = new FrameReader(in, settings.wire().maxMessageBytes(),
                    ReadTimeouts.of(socket, settings.wire().idleTimeout(), settings.wire().frameTimeout()));
            session.serve(reader, out, new RequestContext(settings.component(), principal, peer),
                    replyDeadline(settings.component(), socket, settings.wire().frameTimeout()));
        } catch (AuthenticationException e) {
            LOG.warn("{}: refused connection from {}: {}", settings.component(), peer, e.getMessage());
        } catch (SocketTimeoutException e) {
            LOG.info("{}: closed connection from {}: {}", settings.component(), peer,
                    session.idle() ? "idle for " + settings.wire().idleTimeout().toSeconds() + " s" : e.getMessage());
        } catch (EOFException | SocketException e) {
            LOG.debug("{}: connection from {} ended: {}", settings.component(), peer, e.getMessage());
        } catch (IOException e) {
            LOG.info("{}: connection from {} failed: {}", settings.component(), peer, e.getMessage());
        }
    }

    /**
     * Closes the connection when a reply is not written within the frame timeout: socket timeouts cover reads only,
     * and a client that asks for a large reply and never reads it would hold the server's thread in the write for ever.
     */
    private static RequestLoop.Pacing replyDeadline(String component, Socket socket, Duration limit) {
        return new RequestLoop.Pacing() {
            private ScheduledFuture<?> pending;

            @Override
            public void handling() {
            }

            @Override
            public void replying() {
                pending = DEADLINES.schedule(() -> {
                    LOG.info("{}: closing connection from {}: reply not read within {} ms", component, peer(socket),
                            limit.toMillis());
                    closeQuietly(socket);
                }, limit.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void replied() {
                if (pending != null) {
                    pending.cancel(false);
                    pending = null;
                }
            }
        };
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closed already
        }
    }

    /** The step of a handshake that reads and writes the socket. */
    @FunctionalInterface
    private interface HandshakeStep {
        Principal run() throws IOException;
    }

    /**
     * Runs the handshake under one deadline for the whole of it: the socket's read timeout alone starts again with
     * every byte, so a client sending one byte every few seconds held its connection, unauthenticated, for many times
     * the handshake timeout (and enough such clients every connection the server takes).
     */
    private static Principal handshakeWithin(Duration limit, Socket socket, HandshakeStep step) throws IOException {
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            late.set(true);
            closeQuietly(socket);
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return step.run();
        } catch (IOException e) {
            if (late.get()) {
                throw new SocketTimeoutException("no handshake within " + limit.toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
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

    /** An accepted TCP connection and its peer's address. */
    record TcpConnection(Socket socket, String peer) implements WireServer.Accepted {
        @Override
        public void close() {
            closeQuietly(socket);
        }
    }
}
