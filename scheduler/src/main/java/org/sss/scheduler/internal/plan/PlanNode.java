package org.sss.scheduler.internal.plan;

import java.util.Objects;

/**
 * A node as the planner sees it.
 *
 * @param name   its name (the mpd's)
 * @param slots  processes it runs at most (a job's ppn must fit)
 * @param usable whether new work may go there (up; not down, drained or offline)
 */
public record PlanNode(String name, int slots, boolean usable) {
    /** Checks the values. */
    public PlanNode {
        Objects.requireNonNull(name, "name");
        if (slots < 1) {
            throw new IllegalArgumentException("node " + name + " needs at least one slot");
        }
    }
}
