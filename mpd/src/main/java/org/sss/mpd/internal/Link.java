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
 */
public final class Link implements AutoCloseable {
    /** Largest message on a link (output chunks and launch requests stay well below it). */
    public static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private final Socket socket;
    private final String peer;
    private final InputStream in;
    private final OutputStream out;
    private final FrameReader reader;
    private final FrameWriter writer = new FrameWriter(MAX_MESSAGE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String peerId;

    private Link(Socket socket, InputStream in, OutputStream out, Duration idle) {
        this.socket = socket;
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        this.in = in;
        this.out = out;
        this.reader = new FrameReader(in, MAX_MESSAGE, ReadTimeouts.of(socket, idle, Duration.ofSeconds(30)));
    }

    /**
     * Connects and answers the peer's challenge.
     *
     * @param endpoint  where the peer listens
     * @param handshake the challenge protocol
     * @param secret    the ring's secret
     * @param timeout   longest wait for the connection and the handshake
     * @param idle      longest silence before {@link #receive} times out
     * @return the open link
     * @throws IOException if the peer cannot be reached or refuses the secret
     */
    public static Link connect(Endpoint endpoint, ChallengeHandshake handshake, SharedKey secret, Duration timeout,
                               Duration idle) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            handshake.present(in, out, secret);
            return new Link(socket, in, out, idle);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Challenges a connecting peer.
     *
     * @param socket    the accepted socket
     * @param handshake the challenge protocol
     * @param secret    the ring's secret, as a key ring of one
     * @param timeout   longest wait for the answer
     * @param idle      longest silence before {@link #receive} times out
     * @return the authenticated link
     * @throws IOException if the peer does not know the secret (it has been told {@code 0})
     */
    public static Link accept(Socket socket, ChallengeHandshake handshake, KeyRing secret, Duration timeout, Duration idle)
            throws IOException {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) timeout.toMillis());
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            handshake.accept(in, out, secret);
            return new Link(socket, in, out, idle);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Sends a message; safe from any thread.
     *
     * @param message the message
     * @throws IOException if the link is broken
     */
    public void send(MpdMessage message) throws IOException {
        byte[] payload = message.encode();
        synchronized (out) {
            if (closed.get()) {
                throw new IOException("link to " + describe() + " is closed");
            }
            writer.write(out, payload);
        }
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
        return payload == null ? null : MpdMessage.parse(payload);
    }

    /** @param idle the longest silence {@link #receive} now accepts */
    public void idleTimeout(Duration idle) {
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idle.toMillis()));
        } catch (IOException e) {
            close();
        }
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
            try {
                socket.close();
            } catch (IOException e) {
                // Closing a broken socket is best effort.
            }
        }
    }
}
