package org.sss.nodestatemanager.internal;

import org.sss.mpd.client.RingWatcher;

/**
 * Where the node state manager reads the ring's membership: a {@link RingWatcher} over an mpd console, or a ring in
 * memory in unit tests. Used by one thread at a time.
 */
interface RingReader extends AutoCloseable {
    /** @return the ring's members, or the reason no mpd answered */
    RingWatcher.Reading read();

    /** Closes its connection to the ring, if any. */
    @Override
    void close();

    /**
     * @param watcher a watcher of the real ring
     * @return a reader through it
     */
    static RingReader of(RingWatcher watcher) {
        return new RingReader() {
            @Override
            public RingWatcher.Reading read() {
                return watcher.read();
            }

            @Override
            public void close() {
                watcher.close();
            }
        };
    }
}
