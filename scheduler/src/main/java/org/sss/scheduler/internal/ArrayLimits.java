package org.sss.scheduler.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sss.scheduler.internal.plan.Plan;
import org.sss.schema.JobType;

/**
 * The limits of arrays submitted with one ({@code -t 1-100%10}, {@code --array=1-100%10}: at most ten of the array's
 * elements hold nodes at once), for one pass: which queued elements the pass may offer its planner (as many, in the
 * order asked, as their array has room for beside its elements that hold nodes), and why the others wait. The queue
 * manager refuses a start beyond the limit too; this keeps the plan from counting on such starts. Not thread-safe:
 * made and used by one pass.
 */
final class ArrayLimits {
    /** Elements that hold nodes or were offered this pass, by array, for the arrays that have a limit. */
    private final Map<String, Integer> taken = new HashMap<>();

    /**
     * @param jobs the scheduler's copy of the jobs (queued and holding nodes)
     * @return the limits' state at the start of a pass: each limited array's elements that hold nodes counted
     */
    static ArrayLimits of(List<JobType> jobs) {
        ArrayLimits limits = new ArrayLimits();
        for (JobType job : jobs) {
            if (limited(job) && job.getAllocated() != null && !"queued".equals(job.getState().value())
                    && !"completed".equals(job.getState().value())) {
                limits.taken.merge(job.getArray(), 1, Integer::sum);
            }
        }
        return limits;
    }

    /**
     * @param job a queued job
     * @return whether the pass may offer it: true for a job outside a limited array, else whether its array has room
     *         (the room is then taken)
     */
    boolean admit(JobType job) {
        if (!limited(job)) {
            return true;
        }
        int used = taken.getOrDefault(job.getArray(), 0);
        if (used >= job.getArrayLimit()) {
            return false;
        }
        taken.put(job.getArray(), used + 1);
        return true;
    }

    /**
     * @param job a queued element {@link #admit} refused
     * @return why it waits, for {@code job-annotate}
     */
    static Plan.Waiting waiting(JobType job) {
        int limit = job.getArrayLimit();
        return new Plan.Waiting("array limit: at most " + limit + " element" + (limit == 1 ? "" : "s") + " of "
                + job.getArray() + " run at once", null, List.of());
    }

    private static boolean limited(JobType job) {
        return job.getArray() != null && job.getArrayLimit() != null;
    }
}
