package org.sss.scheduler.internal.plan;

/**
 * A limit the planner keeps as it starts jobs, on top of the nodes: a kind of job of which only so many may run at
 * once (one user's jobs in a quality of service with {@code max-jobs-per-user}). Only a start takes room: a job
 * that waits for nodes keeps no one of its kind from starting, and one whose kind is full waits in no one's way (it is
 * never the head). Not thread-safe: made for one pass.
 */
public interface StartGate {
    /** No limit. */
    StartGate NONE = new StartGate() {
        @Override
        public String full(QueuedJob job) {
            return null;
        }

        @Override
        public void started(QueuedJob job) {
        }
    };

    /**
     * @param job a job the pass considers
     * @return why it may not start in this pass (its kind is full), or null when it may
     */
    String full(QueuedJob job);

    /** @param job a job the pass starts: it takes its kind's room */
    void started(QueuedJob job);
}
