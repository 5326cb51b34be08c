package org.sss.queuemanager.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongToIntFunction;
import org.sss.lib.error.SssException;

/**
 * The limit of elements at once ({@code -t 1-100%5}) over one batch of starts: how many elements of each limited array
 * the batch has met hold nodes, counted from the job table once per array, then added to as the batch starts more.
 * Used under the job table's lock, for one batch.
 */
final class ArrayLimitBatch {
    private final Map<Long, Integer> holding = new HashMap<>();
    private final LongToIntFunction holdingNow;

    /** @param holdingNow how many elements of the array with a number hold nodes in the table now */
    ArrayLimitBatch(LongToIntFunction holdingNow) {
        this.holdingNow = holdingNow;
    }

    /**
     * @param job a job about to start
     * @throws SssException {@code invalid-state} when it is an element of an array that has as many elements holding
     *                      nodes as its limit
     */
    void check(Job job) throws SssException {
        if (limited(job)) {
            int limit = job.spec().arrayLimit();
            if (holding.computeIfAbsent(job.sequence(), holdingNow::applyAsInt) >= limit) {
                throw SssException.invalidState("job " + job.id() + " cannot start: at most " + limit + " element"
                        + (limit == 1 ? "" : "s") + " of array " + job.sequence() + "[] may run at once");
            }
        }
    }

    /** @param job a job the batch starts (after {@link #check}) */
    void started(Job job) {
        if (limited(job)) {
            holding.merge(job.sequence(), 1, Integer::sum);
        }
    }

    private static boolean limited(Job job) {
        return job.arrayIndex() != null && job.spec().arrayLimit() != null;
    }
}
