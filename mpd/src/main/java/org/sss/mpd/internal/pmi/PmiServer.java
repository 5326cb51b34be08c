package org.sss.mpd.internal.pmi;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PMI port of an mpd: ranks started with {@code PMI_PORT=addr:port PMI_ID=n} connect here, and each
 * connection gets a {@link PmiSession} on its own (platform) thread. Lines are read with a bound (a line longer
 * than {@link PmiLimits#MAX_LINE} gets an error and the connection is closed), so a rank cannot make the mpd
 * buffer without limit. A connection that has not named its rank within {@link #UNBOUND_TIMEOUT}, or in
 * {@link #MAX_UNBOUND_LINES} lines, is closed, so a stray or hostile client cannot hold a thread. A connection
 * speaks for a rank only if the rank's user (or root) made it ({@link TcpPeerOwner}): a rank's {@code PMI_ID} in
 * another user's hands is refused as a wrong id is. When a connection ends, the session is handed to the owner to
 * judge (a rank that initialised PMI and never finalised has failed).
 */
public final class PmiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PmiServer.class);
    /** A connection must name its rank ({@code cmd=initack pmiid=N}) within this; a bound rank may be idle for hours. */
    static final Duration UNBOUND_TIMEOUT = Duration.ofSeconds(10);
    /** Lines a connection may send before naming its rank (MPICH sends one or two). */
    static final int MAX_UNBOUND_LINES = 8;
    /** The pause after a failed accept (the process out of descriptors, typically) before the next one. */
    static final long ACCEPT_BACKOFF_NANOS = 50_000_000L;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mpd-pmi-watchdog").factory());
    private final ServerSocket server;
    private final PmiSession.Binder binder;
    private final Function<Socket, OptionalInt> owners;
    private final Consumer<PmiSession> ended;
    private volatile boolean closed;

    /**
     * @param address where to listen (the mpd's address)
     * @param binder  resolves {@code PMI_ID}s
     * @param ended   told when a rank's connection ends
     * @throws IOException if the port cannot be bound
     */
    public PmiServer(String address, PmiSession.Binder binder, Consumer<PmiSession> ended) throws IOException {
        this(address, binder, TcpPeerOwner::of, ended);
    }

    /**
     * @param address where to listen
     * @param binder  resolves {@code PMI_ID}s
     * @param owners  the user id of the process that made an accepted connection, if known
     * @param ended   told when a rank's connection ends
     * @throws IOException if the port cannot be bound
     */
    PmiServer(String address, PmiSession.Binder binder, Function<Socket, OptionalInt> owners, Consumer<PmiSession> ended)
            throws IOException {
        this.server = new ServerSocket(0, 1024, InetAddress.getByName(address));
        this.binder = binder;
        this.owners = owners;
        this.ended = ended;
        Thread.ofPlatform().daemon().name("mpd-pmi-accept").start(this::acceptLoop);
    }

    /** @return {@code addr:port} for PMI_PORT */
    public String port() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                // A virtual thread per rank: a rank's connection is idle between its PMI calls, and a platform
                // thread (and its stack) per rank adds up where many members share one machine.
                Thread.ofVirtual().name("mpd-pmi").start(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("mpd: PMI accept failed: {}", e.getMessage());
                    // Out of descriptors, accept fails at once until some are freed: a pause, not a busy loop of
                    // warnings (the connection waits in the backlog meanwhile).
                    java.util.concurrent.locks.LockSupport.parkNanos(ACCEPT_BACKOFF_NANOS);
                }
            }
        }
    }

    private void serve(Socket socket) {
        String peer = ((InetSocketAddress) socket.getRemoteSocketAddress()).getAddress().getHostAddress() + ":" + socket.getPort();
        PmiSession session = null;
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            OutputStream out = socket.getOutputStream();
            session = new PmiSession(text -> {
                synchronized (out) {
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }, binder, () -> owners.apply(socket), peer);
            PmiSession watched = session;
            ScheduledFuture<?> guard = WATCHDOG.schedule(() -> {
                if (watched.binding() == null) {
                    LOG.warn("mpd: PMI connection from {} did not name its rank (initack) within {} s; closed", peer,
                            UNBOUND_TIMEOUT.toSeconds());
                    closeQuietly(socket);
                }
            }, UNBOUND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String line;
            int unboundLines = 0;
            while ((line = readLine(in)) != null) {
                session.line(line);
                if (session.refused()) {
                    LOG.warn("mpd: PMI connection from {} named a rank that is not here; closed", peer);
                    return;
                }
                if (session.binding() != null) {
                    guard.cancel(false);
                } else if (++unboundLines >= MAX_UNBOUND_LINES) {
                    LOG.warn("mpd: PMI connection from {} sent {} lines without naming its rank (initack); closed", peer,
                            unboundLines);
                    return;
                }
            }
        } catch (LineTooLongException e) {
            LOG.warn("mpd: PMI connection from {} sent a line longer than {} bytes; closed", peer, PmiLimits.MAX_LINE);
        } catch (IOException e) {
            LOG.debug("mpd: PMI connection from {} ended: {}", peer, e.getMessage());
        } finally {
            if (session != null) {
                ended.accept(session);
            }
        }
    }

    /**
     * @param in the rank's input
     * @return the next line without its newline, or null at the end
     * @throws IOException if the line is too long or the connection fails
     */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() >= PmiLimits.MAX_LINE) {
                throw new LineTooLongException();
            }
            line.write(b);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("mpd: closing a PMI connection: {}", e.getMessage());
        }
    }

    /** A rank sent more than {@link PmiLimits#MAX_LINE} bytes without a newline. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException() {
            super("PMI line too long");
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("mpd: closing the PMI port: {}", e.getMessage());
        }
    }
}
