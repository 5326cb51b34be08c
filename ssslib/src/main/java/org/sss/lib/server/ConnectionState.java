package org.sss.lib.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a served connection is: busy (handshaking or serving a request), idle (waiting for a request) or closed
 * (final). A graceful close closes only idle connections, so a request that has been read is always answered.
 */
final class ConnectionState {
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSED = 2;
    private final AtomicInteger state = new AtomicInteger(BUSY);

    /** @return true if the connection went from busy to idle, false if it was closed */
    boolean awaitRequest() {
        return state.compareAndSet(BUSY, IDLE);
    }

    /** @return true if the connection went from idle to busy, false if it was closed meanwhile */
    boolean startRequest() {
        return state.compareAndSet(IDLE, BUSY);
    }

    /** @return true if the connection was idle and is now closed */
    boolean closeIfIdle() {
        return state.compareAndSet(IDLE, CLOSED);
    }

    void close() {
        state.set(CLOSED);
    }

    /** @return true while waiting for a request */
    boolean idle() {
        return state.get() == IDLE;
    }
}
