package org.sss.scheduler.internal.plan;

import java.util.Objects;
import java.util.Set;

/**
 * A node as the planner sees it.
 *
 * @param name   its name (the mpd's)
 * @param slots  processes it runs at most (a job's ppn must fit)
 * @param usable whether new work may go there (up; not down, drained or offline)
 * @param features what it offers (the configuration's {@code <node features>}), for jobs that ask for them
 * @param gpus   its GPUs
 */
public record PlanNode(String name, int slots, boolean usable, Set<String> features, int gpus) {
    /** Checks the values. */
    public PlanNode {
        Objects.requireNonNull(name, "name");
        features = Set.copyOf(features);
        if (slots < 1) {
            throw new IllegalArgumentException("node " + name + " needs at least one slot");
        }
    }

    /** A node without features or GPUs. */
    public PlanNode(String name, int slots, boolean usable) {
        this(name, slots, usable, Set.of(), 0);
    }

    /** A node without GPUs. */
    public PlanNode(String name, int slots, boolean usable, Set<String> features) {
        this(name, slots, usable, features, 0);
    }
}
