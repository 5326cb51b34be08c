package org.sss.mpd.internal;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Feeds rank 0's standard input from its own thread, so a rank that does not read blocks nobody else. Data written
 * after {@link #close()} is dropped; the descriptor is closed once the queue is drained or the rank stops reading.
 */
final class StdinWriter {
    private static final byte[] EOF = new byte[0];
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final int fd;
    private boolean closed;

    StdinWriter(String jid, int fd) {
        this.fd = fd;
        Thread.ofPlatform().daemon().name("mpd-stdin-" + jid).start(this::run);
    }

    synchronized void write(byte[] data) {
        if (!closed) {
            queue.add(data);
        }
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            queue.add(EOF);
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
