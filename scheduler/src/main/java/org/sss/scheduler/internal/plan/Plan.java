package org.sss.scheduler.internal.plan;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One planning pass's outcome: the jobs to start now (on which nodes) and, for every other job considered, why it
 * waits and, where the plan knows it, when it is expected to start.
 *
 * @param starts  jobs to start now, in priority order
 * @param waiting every job that does not start now, by id
 */
public record Plan(List<Start> starts, Map<String, Waiting> waiting) {
    /** Copies the collections. */
    public Plan {
        starts = List.copyOf(starts);
        waiting = Map.copyOf(waiting);
    }

    /**
     * A start.
     *
     * @param jobId    the job
     * @param nodes    its nodes
     * @param backfill whether it jumped ahead of a waiting higher-priority job (without delaying it)
     */
    public record Start(String jobId, List<String> nodes, boolean backfill) {
        /** Copies the list. */
        public Start {
            nodes = List.copyOf(nodes);
        }
    }

    /**
     * Why a job waits.
     *
     * @param reason         one line for users ({@code sssjob status})
     * @param expectedStart  the start the backfill plan keeps for it (the first waiting job), or {@code null}
     * @param expectedNodes  the nodes the plan keeps for it then (empty when it keeps none)
     */
    public record Waiting(String reason, Instant expectedStart, List<String> expectedNodes) {
        /** Copies the list. */
        public Waiting {
            expectedNodes = List.copyOf(expectedNodes);
        }

        /** A job the plan keeps no start for. */
        public Waiting(String reason) {
            this(reason, null, List.of());
        }
    }
}
