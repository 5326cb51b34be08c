package org.sss.mpd.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.ReadTimeouts;
import org.sss.lib.wire.SharedKey;

/**
 * One authenticated connection of an mpd: to another mpd, or from a console client. Both ends are equal: either
 * may send at any time ({@link #send} writes the frame directly, synchronised, so a forwarding thread pays no
 * hand-off), and the owner runs one reader loop over {@link #receive}. Authentication is the SSSlib challenge with
 * the ring's secret.
 *
 * <p>Sockets stay in blocking mode (one read system call per message): the JDK switches a socket to non-blocking
 * mode for good after any timed operation, which would cost a poll per read on every ring hop. Time limits are
 * therefore kept by a watchdog: the handshake must finish within its timeout or the socket is closed, and a peer
 * that stops in the middle of a message is dropped by {@link #stalled()} checks.
 *
 * <p>A console's link, whose peer may stop reading, is switched to queued sends ({@link #queueSends}): a send then
 * never blocks, and a {@link LinkOutbox} writes on its own thread.
 */
public final class Link implements AutoCloseable {
    /**
     * Each direction's buffer: a ring hop's message is well under it, and larger ones (a job's output) go past it
     * in one system call. 16 KB, not 64: a JVM of 1,024 members holds thousands of links, and their buffers were
     * most of its live heap (every collection of the old generation walks them).
     */
    private static final int BUFFER_BYTES = 16384;
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("mpd-link-watchdog").factory());
    /** Time a peer has to finish a message it started, unless the mpd sets another. */
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);
    /** Largest message on a link (output chunks and launch requests stay well below it). */
    public static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private final Socket socket;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader;
    private final FrameWriter writer = new FrameWriter(MAX_MESSAGE);
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Guards direct writes to {@link #out} and the switch to queued sends. Not {@code out}'s own monitor: a
     * {@link LinkOutbox} writer blocked in a write to a peer that does not read holds that one.
     */
    private final Object sendLock = new Object();
    private static final ThreadLocal<java.util.Set<Link>> BATCH = new ThreadLocal<>();
    private final java.util.concurrent.atomic.AtomicInteger senders = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String peerId;
    private volatile long frameDeadline;
    /** Who answered our challenge (accepted links only): the ring, or a job's console. */
    private volatile JobConsoles.Scope scope;
    /** Where sends go once the link is a console's ({@link #queueSends}); null while they are written directly. */
    private volatile LinkOutbox outbox;

    /**
     * Starts a send batch on this thread: until {@link #endBatch()}, messages it sends are written but a link's
     * flush waits for the end of the batch, so a burst of messages leaves in one write per link.
     */
    public static void beginBatch() {
        if (BATCH.get() == null) {
            BATCH.set(new java.util.LinkedHashSet<>());
        }
    }

    /** Ends this thread's send batch, flushing every link it wrote to. */
    public static void endBatch() {
        java.util.Set<Link> held = BATCH.get();
        if (held == null) {
            return;
        }
        BATCH.remove();
        for (Link link : held) {
            link.release();
        }
    }

    private void release() {
        synchronized (sendLock) {
            if (senders.decrementAndGet() == 0 && !closed.get() && outbox == null) {
                try {
                    out.flush();
                } catch (IOException e) {
                    close();
                }
            }
        }
    }

    /** @return the job this link's console acts within, or empty for the ring's secret (and connected links) */
    public java.util.Optional<JobConsoles.Scope> scope() {
        return java.util.Optional.ofNullable(scope);
    }

    /** @return whether a whole further message may already be buffered (bytes read but not yet consumed) */
    public boolean inputPending() {
        return in instanceof CountingInput counting && counting.buffered() > 0;
    }

    /** A buffered input that can tell how much it holds without a system call. */
    private static final class CountingInput extends BufferedInputStream {
        CountingInput(InputStream in) {
            super(in, BUFFER_BYTES);
        }

        synchronized int buffered() {
            return count - pos;
        }
    }

    private Link(Socket socket, InputStream in, OutputStream out, Duration frameTimeout) {
        this.socket = socket;
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        this.in = in;
        this.out = out;
        this.reader = new FrameReader(in, MAX_MESSAGE, new ReadTimeouts() {
            @Override
            public void awaitingFrame() {
                frameDeadline = 0;
            }

            @Override
            public void insideFrame(long deadlineNanos) {
                frameDeadline = deadlineNanos;
            }

            @Override
            public Duration frameTimeout() {
                return frameTimeout;
            }
        });
    }

    /** @return whether the peer started a message and has not finished it within the frame timeout */
    public boolean stalled() {
        long deadline = frameDeadline;
        return deadline != 0 && System.nanoTime() - deadline > 0;
    }

    private static java.util.concurrent.ScheduledFuture<?> closeAfter(Socket socket, Duration timeout) {
        return WATCHDOG.schedule(() -> {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }, timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Connects and answers the peer's challenge.
     *
     * @param endpoint  where the peer listens
     * @param handshake the challenge protocol
     * @param secret    the ring's secret
     * @param timeout   longest wait for the connection and the handshake
     * @return the open link
     * @throws IOException if the peer cannot be reached or refuses the secret
     */
    public static Link connect(Endpoint endpoint, ChallengeHandshake handshake, SharedKey secret, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        var watchdog = closeAfter(socket, timeout);
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()));
            InputStream in = new CountingInput(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
            handshake.present(in, out, secret);
            if (!watchdog.cancel(false)) {
                throw new java.net.SocketTimeoutException("no answer from " + endpoint + " within " + timeout.toMillis() + " ms");
            }
            return new Link(socket, in, out, DEFAULT_FRAME_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            watchdog.cancel(false);
            socket.close();
            if (e instanceof java.net.SocketException && socket.isClosed() && watchdog.isDone() && !watchdog.isCancelled()) {
                throw new java.net.SocketTimeoutException("no answer from " + endpoint + " within " + timeout.toMillis() + " ms");
            }
            throw e;
        }
    }

    /**
     * Challenges a connecting peer.
     *
     * @param socket    the accepted socket
     * @param handshake the challenge protocol
     * @param secret    the ring's secret, and the job console keys an mpd accepts (see {@link JobConsoles})
     * @param timeout      longest wait for the answer
     * @param frameTimeout time the peer has to finish each message it starts
     * @return the authenticated link
     * @throws IOException if the peer does not know the secret (it has been told {@code 0}) or is too slow
     */
    public static Link accept(Socket socket, ChallengeHandshake handshake, KeyRing secret, Duration timeout,
                              Duration frameTimeout) throws IOException {
        var watchdog = closeAfter(socket, timeout);
        try {
            socket.setTcpNoDelay(true);
            InputStream in = new CountingInput(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER_BYTES);
            org.sss.lib.wire.Principal principal = handshake.accept(in, out, secret);
            if (!watchdog.cancel(false)) {
                throw new java.net.SocketTimeoutException("handshake not finished within " + timeout.toMillis() + " ms");
            }
            Link link = new Link(socket, in, out, frameTimeout);
            link.scope = JobConsoles.scopeOf(principal).orElse(null);
            return link;
        } catch (IOException | RuntimeException e) {
            watchdog.cancel(false);
            socket.close();
            throw e;
        }
    }

    /**
     * Sends a message; safe from any thread. A sender that finds others waiting to send on this link leaves the
     * flush to the last of them, so messages sent at the same moment (output of many ranks) leave in one write,
     * while a lone message (a ring hop) is flushed at once.
     *
     * @param message the message
     * @throws IOException if the link is broken
     */
    public void send(MpdMessage message) throws IOException {
        // The whole frame in one write to the buffer: it then holds only whole frames (earlier ones are flushed to
        // make room, a frame larger than the buffer goes out whole). Written in two parts (its length, then the
        // message), a frame could leave half on the wire and half in the buffer until the batch holding the flush
        // ended; the peer, inside a frame, drops the link after the frame timeout.
        byte[] payload = message.payload();
        java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream(payload.length + 12);
        writer.append(frame, payload);
        LinkOutbox queued = outbox;
        if (queued != null) {
            queued.add(frame.toByteArray());
            return;
        }
        java.util.Set<Link> batch = BATCH.get();
        if (batch != null && batch.add(this)) {
            senders.incrementAndGet();
        }
        senders.incrementAndGet();
        synchronized (sendLock) {
            try {
                if (closed.get()) {
                    throw new IOException("link to " + describe() + " is closed");
                }
                queued = outbox;
                if (queued != null) {
                    // It became a console's link while this send waited: from now on only the outbox writes.
                    queued.add(frame.toByteArray());
                } else {
                    frame.writeTo(out);
                }
            } finally {
                if (senders.decrementAndGet() == 0 && !closed.get() && outbox == null) {
                    out.flush();
                }
            }
        }
    }

    /**
     * From now on, sends only queue the message and return; one writer thread sends them in order (see
     * {@link LinkOutbox}). For a console's link, whose peer may stop reading: a send must then not block the
     * mpd's shared threads. Once only; later calls change nothing.
     *
     * @param caughtUp called, on the writer, each time a link that was {@link #behind()} has caught up
     */
    public void queueSends(java.util.function.Consumer<Link> caughtUp) {
        if (outbox != null) {
            return;
        }
        synchronized (sendLock) {
            if (outbox != null || closed.get()) {
                return;
            }
            try {
                out.flush();
            } catch (IOException e) {
                close();
                return;
            }
            outbox = new LinkOutbox(describe(), out, this::close, () -> caughtUp.accept(this));
        }
        if (closed.get()) {
            outbox.close();
        }
    }

    /** @return whether so much waits to be sent on this link that bulk (a job's output) should be held back */
    public boolean behind() {
        LinkOutbox queued = outbox;
        return queued != null && queued.behind();
    }

    /** @return the bytes queued to be sent on this link (0 unless {@link #queueSends} was called) */
    public long backlog() {
        LinkOutbox queued = outbox;
        return queued == null ? 0 : queued.waiting();
    }

    /**
     * Sends a message, closing the link if that fails.
     *
     * @param message the message
     * @return whether it was sent
     */
    public boolean trySend(MpdMessage message) {
        try {
            send(message);
            return true;
        } catch (IOException e) {
            close();
            return false;
        }
    }

    /**
     * Waits for the next message; only the link's reader calls it.
     *
     * @return the message, or null when the peer closed the link
     * @throws IOException               if the link broke or stayed silent too long
     * @throws MalformedMessageException if the peer broke the protocol
     */
    public MpdMessage receive() throws IOException, MalformedMessageException {
        byte[] payload = reader.read();
        // The frame is complete: while its message is handled (which may take long: a job's start waits for this
        // host's PMIx server), the link is not inside a frame, and must not count as stalled.
        frameDeadline = 0;
        return payload == null ? null : MpdMessage.parse(payload);
    }

    /** @return the peer's address */
    public String peer() {
        return peer;
    }

    /** @return the peer's mpd id once it said so, else its address */
    public String describe() {
        return peerId != null ? peerId : peer;
    }

    /** @param id the mpd id the peer announced */
    public void peerId(String id) {
        this.peerId = id;
    }

    /** @return the peer's announced mpd id, or null */
    public String peerId() {
        return peerId;
    }

    /** @return whether the link was closed */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            LinkOutbox queued = outbox;
            if (queued != null) {
                queued.close();
            }
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a broken socket is best effort.
            }
        }
    }
}
