package org.sss.lib.server;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Remembers the signed HTTP requests taken while their time is within the accepted skew, so that a request seen on the
 * network cannot be sent again (a replay). A request is known by its signature (the HMAC of its time and body, so two
 * requests with the same time and body are the same request: a client that repeats a body signs it with a later
 * time, to the nanosecond if it must). Thread-safe; holds at most {@code capacity} signatures, a bound only
 * callers holding a key can approach, and one caller (a key's principal) at most a quarter of them, so that one user's
 * key filling it cannot lock the others out.
 */
final class ReplayGuard {
    /** What {@link #admit} decided. */
    enum Verdict {
        /** First seen: serve it. */
        FRESH,
        /** Seen before within the window: refuse it. */
        REPLAYED,
        /** Too many requests within the window (from this caller, or from all) to remember another: refuse it for now. */
        FULL
    }

    private final long windowSeconds;
    private final int capacity;
    private final int perCaller;
    /** By the second of the request's time: the first 64 bits of each signature taken with that time, and its caller. */
    private final TreeMap<Long, Map<Long, String>> seen = new TreeMap<>();
    private final Map<String, Integer> byCaller = new HashMap<>();
    private int size;

    /**
     * @param windowSeconds how far a request's time may be from the clock (a signature is remembered until then)
     * @param capacity      the most signatures remembered at once
     */
    ReplayGuard(long windowSeconds, int capacity) {
        this.windowSeconds = windowSeconds;
        this.capacity = capacity;
        this.perCaller = Math.max(1, capacity / 4);
    }

    /**
     * @param second    the whole seconds of the request's signed time
     * @param signature the request's signature, hexadecimal (at least 16 digits)
     * @param nowSecond the clock, in whole seconds
     * @param caller    who signed it (the key's principal)
     * @return whether to serve the request (it is then remembered)
     */
    synchronized Verdict admit(long second, String signature, long nowSecond, String caller) {
        forgetBefore(nowSecond - windowSeconds);
        long key = Long.parseUnsignedLong(signature.substring(0, 16), 16);
        Map<Long, String> atSecond = seen.get(second);
        if (atSecond != null && atSecond.containsKey(key)) {
            return Verdict.REPLAYED;
        }
        if (size >= capacity || byCaller.getOrDefault(caller, 0) >= perCaller) {
            return Verdict.FULL;
        }
        seen.computeIfAbsent(second, s -> new HashMap<>()).put(key, caller);
        byCaller.merge(caller, 1, Integer::sum);
        size++;
        return Verdict.FRESH;
    }

    /** @return how many signatures are remembered */
    synchronized int size() {
        return size;
    }

    private void forgetBefore(long oldestKept) {
        Map<Long, Map<Long, String>> old = seen.headMap(oldestKept, false);
        for (Map<Long, String> atSecond : old.values()) {
            size -= atSecond.size();
            for (String caller : atSecond.values()) {
                if (byCaller.merge(caller, -1, Integer::sum) <= 0) {
                    byCaller.remove(caller);
                }
            }
        }
        old.clear();
    }
}
