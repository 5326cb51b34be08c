package org.sss.lib.wire;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Read deadlines for a {@link FrameReader}: a connection may sit idle between messages for the idle timeout,
 * but once a message has started it must arrive whole within the frame timeout, however slowly its bytes
 * trickle in (the slow-loris defence).
 */
public interface ReadTimeouts {
    /** No deadlines: for in-memory streams in tests. */
    ReadTimeouts NONE = new ReadTimeouts() {
        @Override
        public void awaitingFrame() {
        }

        @Override
        public void insideFrame(long deadlineNanos) {
        }

        @Override
        public Duration frameTimeout() {
            return Duration.ofDays(365);
        }
    };

    /**
     * Called before waiting for the first byte of a message.
     *
     * @throws IOException if the timeout cannot be set
     */
    void awaitingFrame() throws IOException;

    /**
     * Called before each read inside a message.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the message must be complete
     * @throws SocketTimeoutException if the deadline has passed
     * @throws IOException            if the timeout cannot be set
     */
    void insideFrame(long deadlineNanos) throws IOException;

    /** @return how long a whole message may take once started */
    Duration frameTimeout();

    /**
     * @param socket       the connection
     * @param idleTimeout  longest wait for a message to start
     * @param frameTimeout longest time for a started message to complete
     * @return deadlines applied through the socket's read timeout
     */
    static ReadTimeouts of(Socket socket, Duration idleTimeout, Duration frameTimeout) {
        int idleMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, idleTimeout.toMillis()));
        return new ReadTimeouts() {
            @Override
            public void awaitingFrame() throws IOException {
                socket.setSoTimeout(idleMillis);
            }

            @Override
            public void insideFrame(long deadlineNanos) throws IOException {
                long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000L;
                if (remaining <= 0) {
                    throw new SocketTimeoutException("message not complete within " + frameTimeout.toMillis() + " ms");
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remaining));
            }

            @Override
            public Duration frameTimeout() {
                return frameTimeout;
            }
        };
    }
}
