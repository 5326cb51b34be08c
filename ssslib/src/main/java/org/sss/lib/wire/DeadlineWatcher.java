package org.sss.lib.wire;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One platform daemon thread that closes the channels of {@link ChannelTimeouts} whose deadline has passed. It
 * sleeps until the earliest armed deadline (at most a second) and is woken when an earlier one is armed, so a
 * deadline is enforced within a few milliseconds and thousands of idle connections cost one scan a second.
 */
final class DeadlineWatcher {
    private static final long MAX_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final Set<ChannelTimeouts> watched = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    /** The {@link System#nanoTime()} by which the thread will scan again; arming earlier wakes it. */
    private volatile long nextScan = System.nanoTime();

    private DeadlineWatcher(String name) {
        thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    /** @return the watcher shared by every channel of this JVM, started on first use */
    static DeadlineWatcher shared() {
        return Shared.INSTANCE;
    }

    void add(ChannelTimeouts timeouts) {
        watched.add(timeouts);
    }

    void remove(ChannelTimeouts timeouts) {
        watched.remove(timeouts);
    }

    /** @param deadlineNanos a deadline just armed; wakes the thread if it would otherwise sleep past it */
    void armed(long deadlineNanos) {
        if (deadlineNanos - nextScan < 0) {
            LockSupport.unpark(thread);
        }
    }

    private void run() {
        while (true) {
            long now = System.nanoTime();
            long next = now + MAX_SLEEP_NANOS;
            nextScan = next;
            for (ChannelTimeouts timeouts : watched) {
                next = timeouts.expireOrEarlier(now, next);
            }
            nextScan = next;
            LockSupport.parkNanos(next - System.nanoTime());
        }
    }

    private static final class Shared {
        static final DeadlineWatcher INSTANCE = start();

        private static DeadlineWatcher start() {
            DeadlineWatcher watcher = new DeadlineWatcher("sss-deadlines");
            watcher.thread.start();
            return watcher;
        }
    }
}
