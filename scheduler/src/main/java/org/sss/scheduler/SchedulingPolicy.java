package org.sss.scheduler;

/** How the scheduler chooses which waiting jobs start ({@code <scheduler policy="…">}). */
public enum SchedulingPolicy {
    /** Priority order, each job on the first free nodes, EASY backfill behind the first that waits, reservations. */
    BACKFILL,
    /** Submission order, each job on the first free nodes, until one waits (no job overtakes another). */
    FIRST_FIT;

    /**
     * @param name the configuration's word: {@code backfill} or {@code first-fit}
     * @return the policy
     */
    public static SchedulingPolicy fromConfig(String name) {
        return "first-fit".equals(name) ? FIRST_FIT : BACKFILL;
    }
}
