package org.sss.lib.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.sss.lib.wire.ChannelTimeouts;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;

/**
 * One client connection on the local wire: connect to a component's Unix-domain socket, then any number of
 * request/reply exchanges, one at a time. Not thread-safe; the same shape as {@link SssConnection}.
 *
 * <h2>The local wire</h2>
 * <ul>
 *   <li>A stream Unix-domain socket ({@code AF_UNIX}, {@code SOCK_STREAM}) at a path the component is configured
 *       with. The file is {@code rw-rw-rw-}: anyone on the machine may connect.</li>
 *   <li>No handshake, nothing to send first: the server asks the kernel who connected ({@code SO_PEERCRED}) and
 *       acts for that user. Users hold no keys.</li>
 *   <li>Then, any number of times on one connection: the client writes one request frame, the server writes
 *       one reply frame. A frame is the payload's length in bytes as 1 to 10 ASCII decimal digits (no sign, not
 *       0, at most the maximum message size, 4 MiB by default), one space (0x20), then exactly that many payload
 *       bytes (a UTF-8 XML message). No newline or terminator follows.</li>
 *   <li>Either side may close between exchanges. A malformed frame gets an {@code <error>} reply (where possible)
 *       and the server closes; an invalid XML message gets an {@code <error>} reply and the connection stays
 *       open. The server closes a connection idle longer than its idle timeout (300 s by default) and one whose
 *       message does not arrive whole, or whose reply is not read, within its frame timeout (30 s).</li>
 * </ul>
 * With the JDK alone, one exchange is:
 * <pre>{@code
 * try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
 *     OutputStream out = Channels.newOutputStream(channel);
 *     InputStream in = new BufferedInputStream(Channels.newInputStream(channel));
 *     byte[] request = xml.getBytes(StandardCharsets.UTF_8);
 *     out.write((request.length + " ").getBytes(StandardCharsets.US_ASCII));
 *     out.write(request);
 *     long length = 0;
 *     for (int b = in.read(); b != ' '; b = in.read()) {
 *         if (b < '0' || b > '9') throw new IOException("bad reply frame");   // also -1: closed
 *         length = length * 10 + (b - '0');
 *     }
 *     byte[] reply = in.readNBytes((int) length);                            // fewer: closed early
 * }
 * }</pre>
 */
public final class LocalConnection implements AutoCloseable, ConnectionPool.Pooled {
    private final Path socket;
    private final SocketChannel channel;
    private final OutputStream out;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final ChannelTimeouts timeouts;
    private final Duration callTimeout;
    private long lastUsedNanos = System.nanoTime();
    private boolean broken;

    private LocalConnection(Path socket, SocketChannel channel, int maxBytes, Duration callTimeout) {
        this.socket = socket;
        this.channel = channel;
        this.callTimeout = callTimeout;
        this.timeouts = ChannelTimeouts.watch(channel, callTimeout, callTimeout);
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 8192);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 8192);
        this.reader = new FrameReader(in, maxBytes, timeouts);
        this.writer = new FrameWriter(maxBytes);
    }

    /**
     * Connects.
     *
     * @param socket      the component's socket path
     * @param maxBytes    largest message sent or accepted
     * @param callTimeout longest time for sending a request and receiving its whole reply
     * @return the open connection
     * @throws IOException if nothing listens there (the message names the path)
     */
    public static LocalConnection open(Path socket, int maxBytes, Duration callTimeout) throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new IOException("cannot connect to " + socket + ": " + e.getMessage(), e);
        }
        return new LocalConnection(socket, channel, maxBytes, callTimeout);
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param request the message bytes
     * @return the reply bytes
     * @throws IOException if the exchange fails or times out; the connection is then broken and must be closed
     */
    public byte[] exchange(byte[] request) throws IOException {
        try {
            timeouts.arm(callTimeout, "request not sent");
            writer.write(out, request);
            byte[] reply = reader.read();
            timeouts.disarm();
            if (reply == null) {
                throw new EOFException("connection closed by " + socket + " before it replied");
            }
            lastUsedNanos = System.nanoTime();
            return reply;
        } catch (IOException | RuntimeException e) {
            broken = true;
            if (timeouts.expired() != null) {
                throw new SocketTimeoutException("no reply from " + socket + " within " + callTimeout.toMillis() + " ms");
            }
            throw e;
        }
    }

    /** @return where this connection goes */
    public Path socket() {
        return socket;
    }

    /** @return false once an exchange failed */
    public boolean usable() {
        return !broken && channel.isOpen();
    }

    /** @return nanoseconds since the last successful exchange (or the connect) */
    public long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    @Override
    public void close() {
        broken = true;
        timeouts.close();
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a channel that failed is best effort.
        }
    }
}
