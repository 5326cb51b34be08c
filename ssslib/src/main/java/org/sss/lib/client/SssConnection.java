package org.sss.lib.client;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.FrameReader;
import org.sss.lib.wire.FrameWriter;
import org.sss.lib.wire.ReadTimeouts;
import org.sss.lib.wire.SharedKey;

/**
 * One authenticated client connection on the challenge wire: connect, answer the challenge, then any number of
 * request/reply exchanges, one at a time. Not thread-safe; a pool hands each connection to one caller at a time.
 */
public final class SssConnection implements AutoCloseable, ConnectionPool.Pooled {
    private final Endpoint endpoint;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader;
    private final FrameWriter writer;
    private long lastUsedNanos = System.nanoTime();
    private boolean broken;

    private SssConnection(Endpoint endpoint, Socket socket, int maxBytes, Duration callTimeout) throws IOException {
        this.endpoint = endpoint;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        this.reader = new FrameReader(in, maxBytes, ReadTimeouts.of(socket, callTimeout, callTimeout));
        this.writer = new FrameWriter(maxBytes);
    }

    /**
     * Connects and authenticates.
     *
     * @param endpoint       where
     * @param handshake      the challenge protocol with its digest
     * @param key            the key to present
     * @param maxBytes       largest message sent or accepted
     * @param connectTimeout longest wait for the TCP connection and the handshake
     * @param callTimeout    longest wait for a reply
     * @return the open connection
     * @throws IOException if the peer cannot be reached or refuses the key
     */
    public static SssConnection open(Endpoint endpoint, ChallengeHandshake handshake, SharedKey key, int maxBytes,
                                     Duration connectTimeout, Duration callTimeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) connectTimeout.toMillis());
            SssConnection connection = new SssConnection(endpoint, socket, maxBytes, callTimeout);
            handshake.present(connection.in, connection.out, key);
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @param request the message bytes
     * @return the reply bytes
     * @throws IOException if the exchange fails; the connection is then broken and must be closed
     */
    public byte[] exchange(byte[] request) throws IOException {
        try {
            writer.write(out, request);
            byte[] reply = reader.read();
            if (reply == null) {
                throw new java.io.EOFException("connection closed by " + endpoint + " before it replied");
            }
            lastUsedNanos = System.nanoTime();
            return reply;
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e;
        }
    }

    /** @return where this connection goes */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** @return false once an exchange failed */
    public boolean usable() {
        return !broken && !socket.isClosed();
    }

    /** @return nanoseconds since the last successful exchange (or the connect) */
    public long idleNanos() {
        return System.nanoTime() - lastUsedNanos;
    }

    @Override
    public void close() {
        broken = true;
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a socket that failed is best effort.
        }
    }
}
