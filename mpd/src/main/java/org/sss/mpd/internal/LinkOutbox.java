package org.sss.mpd.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames waiting to go out on a {@link Link} whose peer may stop reading (a job's console: mpiexec under Ctrl-Z,
 * or piped into a pager that waits): senders add whole frames and go on at once, and one virtual thread writes them
 * in order. So a console that does not read blocks only this writer, never the thread that sent (an mpd's one
 * process reactor, or a link's reader, which every other job shares).
 *
 * <p>What waits is bounded in two ways. Once {@link #HOLD_AT} bytes wait, the box is <em>behind</em> until the writer
 * has brought it down to {@link #RESUME_AT}, and then tells its listener: while it is behind, the jobs reporting to
 * the console have their output held where it is made ({@link OutputFlow}). And a box that would hold more than
 * {@link #LIMIT} bytes (the holding failed to keep up) refuses the frame and the link is closed, as a broken one.
 * Thread-safe.
 */
final class LinkOutbox {
    private static final Logger LOG = LoggerFactory.getLogger(LinkOutbox.class);
    /** Bytes waiting at which the box is behind. */
    static final long HOLD_AT = 1L << 20;
    /** Bytes waiting at which a box that was behind has caught up. */
    static final long RESUME_AT = 256L << 10;
    /** Most bytes that may wait: past it the peer is taken as gone. */
    static final long LIMIT = 128L << 20;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition more = lock.newCondition();
    private final ArrayDeque<byte[]> frames = new ArrayDeque<>();
    private final OutputStream out;
    private final Runnable failed;
    private final Runnable caughtUp;
    private long waiting;
    private boolean behind;
    private boolean closed;

    /**
     * Starts the writer.
     *
     * @param name     the link, for the writer thread's name
     * @param out      the link's stream (only this box's writer writes to it from now on)
     * @param failed   called once when a write fails or the box overflows: closes the link
     * @param caughtUp called (on the writer) each time a box that was behind has caught up
     */
    LinkOutbox(String name, OutputStream out, Runnable failed, Runnable caughtUp) {
        this.out = out;
        this.failed = failed;
        this.caughtUp = caughtUp;
        Thread.ofVirtual().name("mpd-outbox-" + name).start(this::write);
    }

    /**
     * Queues one whole frame.
     *
     * @param frame the frame's bytes
     * @throws IOException if the box is closed, or would hold more than {@link #LIMIT}
     */
    void add(byte[] frame) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("link is closed");
            }
            if (waiting + frame.length > LIMIT) {
                throw new IOException("its peer stopped reading: " + waiting + " bytes wait to be sent");
            }
            frames.add(frame);
            waiting += frame.length;
            behind |= waiting >= HOLD_AT;
            more.signal();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether so much waits that the senders of bulk (output) should hold it until {@code caughtUp} */
    boolean behind() {
        lock.lock();
        try {
            return behind;
        } finally {
            lock.unlock();
        }
    }

    /** @return the bytes waiting, those being written included */
    long waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer; what waits is dropped (the link is closed). */
    void close() {
        lock.lock();
        try {
            closed = true;
            behind = false;
            frames.clear();
            more.signal();
        } finally {
            lock.unlock();
        }
    }

    private void write() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                lock.lock();
                try {
                    while (frames.isEmpty() && !closed) {
                        more.await();
                    }
                    if (closed) {
                        return;
                    }
                    batch.addAll(frames);
                    frames.clear();
                } finally {
                    lock.unlock();
                }
                long written = 0;
                for (byte[] frame : batch) {
                    out.write(frame);
                    written += frame.length;
                }
                out.flush();
                batch.clear();
                if (wrote(written)) {
                    try {
                        caughtUp.run();
                    } catch (RuntimeException e) {
                        LOG.error("mpd: a console's catching up could not be passed on: {}", e.toString());
                    }
                }
            }
        } catch (IOException e) {
            failed.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed.run();
        }
    }

    /** @return whether the box was behind and now has caught up */
    private boolean wrote(long bytes) {
        lock.lock();
        try {
            waiting -= bytes;
            if (behind && waiting <= RESUME_AT) {
                behind = false;
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }
}
