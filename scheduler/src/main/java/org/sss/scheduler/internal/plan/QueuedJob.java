package org.sss.scheduler.internal.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job that may start: queued, not held, its dependencies met.
 *
 * @param id        its id
 * @param user      its owner (reservations admit users)
 * @param nodes     nodes it needs, whole
 * @param ppn       slots it needs on each
 * @param walltime  its limit; {@code null} or zero for none (it can never be fitted in before a reservation)
 * @param priority  larger first
 * @param submitted when it was submitted (older first among equal priorities)
 */
public record QueuedJob(String id, String user, int nodes, int ppn, Duration walltime, long priority, Instant submitted) {
    /** Checks the values. */
    public QueuedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(submitted, "submitted");
        if (nodes < 1 || ppn < 1) {
            throw new IllegalArgumentException("job " + id + " needs at least one node and one slot");
        }
        walltime = walltime == null || walltime.isZero() || walltime.isNegative() ? null : walltime;
    }

    /**
     * @param start when it would start
     * @return when it would end at the latest, or {@link Instant#MAX} without a walltime
     */
    public Instant endIfStartedAt(Instant start) {
        return walltime == null ? Instant.MAX : start.plus(walltime);
    }
}
