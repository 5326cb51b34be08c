package org.sss.mpd.internal;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Feeds rank 0's standard input from its own thread, so a rank that does not read blocks nobody else. The thread
 * starts with the first data: most jobs (batch scripts, programs reading no input) get none, and then their input is
 * simply closed with {@link #close()}. Data written after {@link #close()} is dropped; the descriptor is closed once
 * the queue is drained or the rank stops reading. Thread-safe.
 */
final class StdinWriter {
    private static final byte[] EOF = new byte[0];
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final String jid;
    private final int fd;
    private boolean started;
    private boolean closed;

    StdinWriter(String jid, int fd) {
        this.jid = jid;
        this.fd = fd;
    }

    synchronized void write(byte[] data) {
        if (closed) {
            return;
        }
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

    private void run() {
        try {
            while (true) {
                byte[] data = queue.take();
                if (data == EOF) {
                    break;
                }
                Posix.write(fd, data);
            }
        } catch (IOException | InterruptedException e) {
            // The rank closed its input or exited; the rest is dropped.
        } finally {
            Posix.close(fd);
        }
    }
}
