package org.sss.lib.util;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cutting a batch of messages' parts to a size a message can carry. Stateless.
 */
public final class Batches {
    private Batches() {
    }

    /**
     * The first items whose sizes add up to at most {@code most}, and at least the first item: a batch counted only in
     * items could outgrow the largest message the wire carries, be refused every time, and hold back everything after
     * it; one item larger than the bound still goes alone (the receiver says whether it takes it).
     *
     * @param items the items, in order
     * @param size  each item's size (characters, bytes: the caller's unit)
     * @param most  the largest total
     * @param <T>   the items
     * @return a prefix of {@code items} (the list itself when all fit)
     */
    public static <T> List<T> within(List<T> items, ToIntFunction<T> size, long most) {
        long total = 0;
        for (int i = 0; i < items.size(); i++) {
            total += size.applyAsInt(items.get(i));
            if (total > most && i > 0) {
                return items.subList(0, i);
            }
        }
        return items;
    }
}
