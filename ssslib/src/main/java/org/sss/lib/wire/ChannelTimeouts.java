package org.sss.lib.wire;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * {@link ReadTimeouts} for channels that have no read timeout of their own (Unix-domain {@code SocketChannel}s):
 * a shared watcher thread closes the channel when the armed deadline passes, which makes the blocked read or
 * write fail. The same deadlines as {@link ReadTimeouts#of(java.net.Socket, Duration, Duration)}: the idle
 * timeout while waiting for a message to start, the frame timeout for the whole message once started.
 *
 * <p>Unlike a socket's read timeout, a deadline stays armed until it is re-armed or {@link #disarm() disarmed},
 * so the owner disarms it once a message is read (and may {@link #arm arm} one for writing a reply). After the
 * watcher closed the channel, {@link #expired()} tells why. {@link #close()} stops watching; it does not close
 * the channel. Used by the connection's one thread; the watcher's access is synchronised.
 */
public final class ChannelTimeouts implements ReadTimeouts, AutoCloseable {
    private final DeadlineWatcher watcher;
    private final Closeable channel;
    private final Duration idleTimeout;
    private final Duration frameTimeout;
    private final String idleReason;
    private final String frameReason;
    private boolean armed;
    private long deadline;
    private String reason;
    private String expired;

    private ChannelTimeouts(DeadlineWatcher watcher, Closeable channel, Duration idleTimeout, Duration frameTimeout) {
        this.watcher = watcher;
        this.channel = channel;
        this.idleTimeout = idleTimeout;
        this.frameTimeout = frameTimeout;
        this.idleReason = "idle for " + describe(idleTimeout);
        this.frameReason = "message not complete within " + describe(frameTimeout);
    }

    /**
     * Starts watching a channel; nothing is armed until the first read or {@link #arm}.
     *
     * @param channel      what to close when a deadline passes
     * @param idleTimeout  longest wait for a message to start
     * @param frameTimeout longest time for a started message to complete
     * @return the deadlines, to hand to a {@link FrameReader} and to {@link #close()} with the connection
     */
    public static ChannelTimeouts watch(Closeable channel, Duration idleTimeout, Duration frameTimeout) {
        ChannelTimeouts timeouts = new ChannelTimeouts(DeadlineWatcher.shared(), channel, idleTimeout, frameTimeout);
        timeouts.watcher.add(timeouts);
        return timeouts;
    }

    @Override
    public void awaitingFrame() throws IOException {
        arm(System.nanoTime() + idleTimeout.toNanos(), idleReason);
    }

    @Override
    public void insideFrame(long deadlineNanos) throws IOException {
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw new SocketTimeoutException(frameReason);
        }
        synchronized (this) {
            if (armed && deadline == deadlineNanos) {
                return;
            }
        }
        arm(deadlineNanos, frameReason);
    }

    @Override
    public Duration frameTimeout() {
        return frameTimeout;
    }

    /**
     * Arms a deadline from now, e.g. for writing a reply.
     *
     * @param timeout how long from now
     * @param why     what {@link #expired()} says if it passes, e.g. "reply not read within 30 s"
     * @throws SocketTimeoutException if the channel was already closed for an earlier deadline
     */
    public void arm(Duration timeout, String why) throws SocketTimeoutException {
        arm(System.nanoTime() + timeout.toNanos(), why);
    }

    /** No deadline until the next arm or read (while a request is handled, say). */
    public synchronized void disarm() {
        armed = false;
    }

    /** @return why the watcher closed the channel, or {@code null} if it did not */
    public synchronized String expired() {
        return expired;
    }

    /** Stops watching the channel (without closing it). */
    @Override
    public void close() {
        watcher.remove(this);
        disarm();
    }

    private void arm(long deadlineNanos, String why) throws SocketTimeoutException {
        synchronized (this) {
            if (expired != null) {
                throw new SocketTimeoutException(expired);
            }
            armed = true;
            deadline = deadlineNanos;
            reason = why;
        }
        watcher.armed(deadlineNanos);
    }

    /**
     * Called by the watcher: closes the channel if the deadline has passed.
     *
     * @return the earlier of {@code next} and this pending deadline
     */
    long expireOrEarlier(long now, long next) {
        synchronized (this) {
            if (!armed) {
                return next;
            }
            if (deadline - now > 0) {
                return deadline - next < 0 ? deadline : next;
            }
            armed = false;
            expired = reason;
        }
        try {
            channel.close();
        } catch (IOException | RuntimeException e) {
            // The channel is being abandoned; a failed close changes nothing, and the watcher must go on.
        }
        return next;
    }

    /**
     * @param duration a timeout
     * @return "300 s" for whole seconds, otherwise "250 ms"
     */
    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
