package org.sss.scheduler.internal.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

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
 * @param required  the nodes it must be given, by name (at most {@code nodes}); empty for any
 * @param excluded  the nodes it must not be given; empty for none
 * @param features  what each of its nodes must offer; empty for nothing
 * @param gpus      the GPUs each of its nodes must have, 0 for none
 * @param within    the nodes of the advance reservation it runs in, the only ones it may be given; empty for any
 *                  (a reservation has at least one node)
 * @param until     the end of that reservation's window, by which it must end; null outside a reservation
 */
public record QueuedJob(String id, String user, int nodes, int ppn, Duration walltime, long priority, Instant submitted,
                        List<String> required, Set<String> excluded, Set<String> features, int gpus,
                        Set<String> within, Instant until) {
    /** Checks the values. */
    public QueuedJob {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(submitted, "submitted");
        if (nodes < 1 || ppn < 1) {
            throw new IllegalArgumentException("job " + id + " needs at least one node and one slot");
        }
        walltime = walltime == null || walltime.isZero() || walltime.isNegative() ? null : walltime;
        required = List.copyOf(required);
        excluded = Set.copyOf(excluded);
        features = Set.copyOf(features);
        within = Set.copyOf(within);
        if (within.isEmpty() != (until == null)) {
            throw new IllegalArgumentException("job " + id + ": a reservation's nodes and its end go together");
        }
        if (required.size() > nodes) {
            throw new IllegalArgumentException("job " + id + " names " + required.size() + " nodes, needs " + nodes);
        }
    }

    /** A job outside any reservation. */
    public QueuedJob(String id, String user, int nodes, int ppn, Duration walltime, long priority, Instant submitted,
                     List<String> required, Set<String> excluded, Set<String> features, int gpus) {
        this(id, user, nodes, ppn, walltime, priority, submitted, required, excluded, features, gpus, Set.of(), null);
    }

    /** A job that may go on any nodes. */
    public QueuedJob(String id, String user, int nodes, int ppn, Duration walltime, long priority, Instant submitted) {
        this(id, user, nodes, ppn, walltime, priority, submitted, List.of(), Set.of(), Set.of(), 0);
    }

    /** A job that names nodes but asks for no feature. */
    public QueuedJob(String id, String user, int nodes, int ppn, Duration walltime, long priority, Instant submitted,
                     List<String> required, Set<String> excluded) {
        this(id, user, nodes, ppn, walltime, priority, submitted, required, excluded, Set.of(), 0);
    }

    /** A job that asks for no GPU. */
    public QueuedJob(String id, String user, int nodes, int ppn, Duration walltime, long priority, Instant submitted,
                     List<String> required, Set<String> excluded, Set<String> features) {
        this(id, user, nodes, ppn, walltime, priority, submitted, required, excluded, features, 0);
    }

    /** @return whether it names nodes it must or must not be given, or features or GPUs they must offer */
    public boolean choosesNodes() {
        return !required.isEmpty() || !excluded.isEmpty() || !features.isEmpty() || gpus > 0 || confined();
    }

    /**
     * @param start when it would start
     * @return whether it would end by then inside its reservation's window (always, outside a reservation)
     */
    public boolean endsInWindow(Instant start) {
        return until == null || start != null && !endIfStartedAt(start).isAfter(until);
    }

    /** @return whether it runs in a reservation (only on {@link #within}) */
    public boolean confined() {
        return !within.isEmpty();
    }

    /**
     * @param start when it would start
     * @return when it would end at the latest, or {@link Instant#MAX} without a walltime
     */
    public Instant endIfStartedAt(Instant start) {
        return walltime == null ? Instant.MAX : start.plus(walltime);
    }
}
