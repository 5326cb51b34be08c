package org.sss.mpd.internal;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds rank 0's standard input from its own thread, so a rank that does not read blocks nobody else. The thread
 * starts with the first data: most jobs (batch scripts, programs reading no input) get none, and then their input is
 * simply closed with {@link #close()}. Data written after {@link #close()} is dropped; the descriptor is closed once
 * the queue is drained or the rank stops reading.
 *
 * <p>Flow control: after each chunk the rank's pipe took, the running total of bytes taken is reported, and the
 * console sends at most {@link #WINDOW} bytes beyond the last total it was told ({@code job-launched} says the
 * window, {@code job-stdin-ok} the totals). A console that sends more than {@link #MAX_QUEUED} bytes ahead of the
 * rank does not keep to the window: its input is cut there (the rank reads the end of its input) rather than held
 * in this mpd's memory. Thread-safe.
 */
final class StdinWriter {
    /** The most bytes a console sends beyond what rank 0 has taken. */
    static final long WINDOW = 1 << 20;
    /** The most bytes held for a rank that does not read yet (the window, and room for chunks on their way). */
    static final long MAX_QUEUED = 4 * WINDOW;
    private static final Logger LOG = LoggerFactory.getLogger(StdinWriter.class);
    private static final byte[] EOF = new byte[0];
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final String jid;
    private final int fd;
    private final LongConsumer taken;
    private long queued;
    private boolean started;
    private boolean closed;

    /**
     * @param jid   the job, for the thread's name and the log
     * @param fd    rank 0's standard input (this writer closes it)
     * @param taken told, from the writer's thread, the total bytes the rank's pipe has taken after each chunk
     */
    StdinWriter(String jid, int fd, LongConsumer taken) {
        this.jid = jid;
        this.fd = fd;
        this.taken = taken;
    }

    synchronized void write(byte[] data) {
        if (closed) {
            return;
        }
        if (queued + data.length > MAX_QUEUED) {
            LOG.warn("mpd: job {}: its console sent more than {} bytes of input ahead of rank 0; its input ends here",
                    jid, MAX_QUEUED);
            close();
            return;
        }
        queued += data.length;
        queue.add(data);
        if (!started) {
            started = true;
            Thread.ofPlatform().daemon().name("mpd-stdin-" + jid).start(this::run);
        }
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            queue.add(EOF);
        } else {
            Posix.close(fd);
        }
    }

    /** @return whether the input has ended (closed, or cut for a console that did not keep to the window) */
    synchronized boolean isClosed() {
        return closed;
    }

    private synchronized void written(int bytes) {
        queued -= bytes;
    }

    private void run() {
        long total = 0;
        try {
            while (true) {
                byte[] data = queue.take();
                if (data == EOF) {
                    break;
                }
                Posix.write(fd, data);
                written(data.length);
                total += data.length;
                taken.accept(total);
            }
        } catch (IOException | InterruptedException e) {
            // The rank closed its input or exited; the rest is dropped.
        } catch (RuntimeException e) {
            LOG.warn("mpd: job {}: rank 0's input could not be reported as taken: {}", jid, e.toString());
        } finally {
            Posix.close(fd);
        }
    }
}
