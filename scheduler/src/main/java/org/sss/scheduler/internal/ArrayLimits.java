package org.sss.scheduler.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sss.scheduler.internal.plan.Plan;
import org.sss.scheduler.internal.plan.QueuedJob;
import org.sss.schema.JobType;

/**
 * The limits of arrays submitted with one ({@code -t 1-100%10}, {@code --array=1-100%10}: at most ten of the array's
 * elements hold nodes at once), for one pass: which queued elements the pass may offer its planner (as many, in the
 * order of their priorities, as their array has room for beside its elements that hold nodes), and why the others
 * wait. The queue manager refuses a start beyond the limit too; this keeps the plan from counting on such starts. An
 * element offered that cannot start this pass (it asks for more nodes than are free) keeps its array's room: the
 * room is not passed on to a lower element. Not thread-safe: made and used by one pass.
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
     * @param candidates the queued jobs a pass would plan
     * @param jobs       the same jobs as the scheduler's copy has them, by id
     * @param waiting    where the elements left out are put, with why they wait
     * @return the candidates the pass may offer, in the order given: every job outside a limited array, and as many of
     *         a limited array's elements as it has room for, the room going to the highest priorities first (then in
     *         the order given)
     */
    List<QueuedJob> offer(List<QueuedJob> candidates, Map<String, JobType> jobs, Map<String, Plan.Waiting> waiting) {
        List<QueuedJob> limitedByPriority = new ArrayList<>();
        for (QueuedJob candidate : candidates) {
            if (limited(jobs.get(candidate.id()))) {
                limitedByPriority.add(candidate);
            }
        }
        if (limitedByPriority.isEmpty()) {
            return candidates; // the common pass: no limited array waits, nothing to sort
        }
        limitedByPriority.sort(Comparator.comparingLong(QueuedJob::priority).reversed());
        Set<String> refused = new HashSet<>();
        for (QueuedJob candidate : limitedByPriority) {
            JobType job = jobs.get(candidate.id());
            if (!admit(job)) {
                refused.add(candidate.id());
                waiting.put(candidate.id(), waiting(job));
            }
        }
        if (refused.isEmpty()) {
            return candidates;
        }
        List<QueuedJob> offered = new ArrayList<>(candidates.size() - refused.size());
        for (QueuedJob candidate : candidates) {
            if (!refused.contains(candidate.id())) {
                offered.add(candidate);
            }
        }
        return offered;
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
