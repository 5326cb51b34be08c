package org.sss.lib.server;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections a server is serving: admission up to a maximum, and the graceful drain on close (idle ones
 * closed at once, busy ones given time to answer). Thread-safe.
 */
final class OpenConnections {
    /** A served connection as the set sees it. */
    interface Member {
        /** Closes the connection if it is waiting for a request. */
        void closeIfIdle();

        /** Closes the connection whatever it is doing. */
        void close();
    }

    private final int max;
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();

    /** @param max connections served at once */
    OpenConnections(int max) {
        this.max = max;
    }

    /** @return true if the connection is admitted, false if the maximum is already open */
    boolean admit(Member member) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        members.add(member);
        return true;
    }

    /** Forgets a connection that closed; harmless if it was never admitted or already left. */
    void leave(Member member) {
        if (members.remove(member)) {
            open.decrementAndGet();
            synchronized (members) {
                members.notifyAll();
            }
        }
    }

    /** @return connections open now */
    int open() {
        return open.get();
    }

    /** @return the maximum */
    int max() {
        return max;
    }

    /**
     * Closes idle connections and waits for busy ones to finish, then closes whatever is left.
     *
     * @param timeout longest wait
     */
    void drain(Duration timeout) {
        members.forEach(Member::closeIfIdle);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (members) {
            while (!members.isEmpty() && System.nanoTime() < deadline) {
                members.forEach(Member::closeIfIdle);
                try {
                    members.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        members.forEach(Member::close);
    }
}
