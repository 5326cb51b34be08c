package org.sss.lib.server;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Remembers the signed HTTP requests taken while their time is within the accepted skew, so that a request seen on the
 * network cannot be sent again (a replay). A request is known by its signature (the HMAC of its time and body, so two
 * requests with the same time and body are the same request: a client that repeats a body signs it with a later
 * time, to the nanosecond if it must). Thread-safe; holds at most {@code capacity} signatures, a bound only
 * callers holding a key can approach.
 */
final class ReplayGuard {
    /** What {@link #admit} decided. */
    enum Verdict {
        /** First seen: serve it. */
        FRESH,
        /** Seen before within the window: refuse it. */
        REPLAYED,
        /** Too many requests within the window to remember another: refuse it for now. */
        FULL
    }

    private final long windowSeconds;
    private final int capacity;
    /** By the second of the request's time: the first 64 bits of each signature taken with that time. */
    private final TreeMap<Long, Set<Long>> seen = new TreeMap<>();
    private int size;

    /**
     * @param windowSeconds how far a request's time may be from the clock (a signature is remembered until then)
     * @param capacity      the most signatures remembered at once
     */
    ReplayGuard(long windowSeconds, int capacity) {
        this.windowSeconds = windowSeconds;
        this.capacity = capacity;
    }

    /**
     * @param second    the whole seconds of the request's signed time
     * @param signature the request's signature, hexadecimal (at least 16 digits)
     * @param nowSecond the clock, in whole seconds
     * @return whether to serve the request (it is then remembered)
     */
    synchronized Verdict admit(long second, String signature, long nowSecond) {
        forgetBefore(nowSecond - windowSeconds);
        long key = Long.parseUnsignedLong(signature.substring(0, 16), 16);
        Set<Long> atSecond = seen.get(second);
        if (atSecond != null && atSecond.contains(key)) {
            return Verdict.REPLAYED;
        }
        if (size >= capacity) {
            return Verdict.FULL;
        }
        seen.computeIfAbsent(second, s -> new HashSet<>()).add(key);
        size++;
        return Verdict.FRESH;
    }

    /** @return how many signatures are remembered */
    synchronized int size() {
        return size;
    }

    private void forgetBefore(long oldestKept) {
        Map<Long, Set<Long>> old = seen.headMap(oldestKept, false);
        for (Set<Long> atSecond : old.values()) {
            size -= atSecond.size();
        }
        old.clear();
    }
}
