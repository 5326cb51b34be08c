package org.sss.lib.util;

import java.io.Serial;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A map that remembers at most a fixed number of keys: putting a new key beyond the bound forgets the key put first
 * (insertion order; putting an existing key again does not renew it). For short memories of recent facts that must
 * not grow with a long-running daemon's history: ends already seen, stops that overtook a start. Not thread-safe,
 * like {@link LinkedHashMap}: guard it as the owner guards its other state.
 *
 * @param <K> the keys
 * @param <V> the values
 */
public final class BoundedMap<K, V> extends LinkedHashMap<K, V> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final int bound;

    /**
     * @param bound the most keys kept, at least 1
     * @throws IllegalArgumentException if the bound is below 1
     */
    public BoundedMap(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("a bounded map keeps at least 1 key, not " + bound);
        }
        this.bound = bound;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > bound;
    }
}
