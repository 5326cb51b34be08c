package org.sss.eventmanager.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Wakes delivery loops when events are appended. Thread-safe.
 */
public final class NewEventSignal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    private final LongSupplier head;

    /** @param head the log's current highest sequence number */
    public NewEventSignal(LongSupplier head) {
        this.head = head;
    }

    /** Wakes every waiting loop. */
    public void signal() {
        lock.lock();
        try {
            appended.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the log holds an event after {@code seen}, or the timeout passes, or {@link #signal} is called.
     *
     * @param seen        the highest sequence number the caller has looked at
     * @param timeoutMillis longest wait
     * @throws InterruptedException if interrupted
     */
    public void awaitAfter(long seen, long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            if (head.getAsLong() <= seen) {
                appended.await(timeoutMillis, TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }
}
