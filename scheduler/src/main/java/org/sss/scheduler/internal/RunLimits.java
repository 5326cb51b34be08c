package org.sss.scheduler.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.sss.scheduler.internal.plan.Plan;
import org.sss.scheduler.internal.plan.QueuedJob;
import org.sss.scheduler.internal.plan.StartGate;
import org.sss.schema.JobType;

/**
 * A limit on how many jobs of one kind hold nodes at once, for one pass, and why the jobs beyond it wait. Two kinds
 * are limited. The elements of an array submitted with a limit ({@code -t 1-100%10}, {@code --array=1-100%10}: at
 * most ten of them; the queue manager refuses a start beyond it too) are limited before planning ({@link #offer}: as
 * many, in the order of their priorities, as the array has room for beside its elements that hold nodes; an element
 * offered that cannot start keeps its array's room, which is not passed on to a lower element). One user's jobs in a
 * quality of service with a {@code max-jobs-per-user} are limited while planning ({@link #gate}: only a start takes
 * room, so a job waiting for nodes keeps none of the user's others from starting, as Slurm's limit counts running
 * jobs). Not thread-safe: made and used by one pass.
 */
final class RunLimits {
    private final Function<JobType, String> kindOf;
    private final ToIntFunction<JobType> limitOf;
    private final Function<JobType, String> why;
    /** Jobs that hold nodes or were offered this pass, by kind. */
    private final Map<String, Integer> taken = new HashMap<>();

    /**
     * @param kindOf  a job's kind, or null for a job outside every limited kind
     * @param limitOf the most jobs of a job's kind (called for jobs with a kind)
     * @param why     why a job of a full kind waits
     */
    private RunLimits(Function<JobType, String> kindOf, ToIntFunction<JobType> limitOf, Function<JobType, String> why) {
        this.kindOf = kindOf;
        this.limitOf = limitOf;
        this.why = why;
    }

    /**
     * @param jobs the scheduler's copy of the jobs (queued and holding nodes)
     * @return the arrays' limits at the start of a pass: each limited array's elements that hold nodes counted
     */
    static RunLimits arrays(List<JobType> jobs) {
        return new RunLimits(job -> job.getArray() != null && job.getArrayLimit() != null ? job.getArray() : null,
                JobType::getArrayLimit, job -> "array limit: at most " + job.getArrayLimit() + " element"
                + (job.getArrayLimit() == 1 ? "" : "s") + " of " + job.getArray() + " run at once").counting(jobs);
    }

    /**
     * @param jobs       the scheduler's copy of the jobs (queued and holding nodes)
     * @param maxPerUser each quality of service's most jobs of one user at once, for those with a limit
     * @return the qualities of service's limits at the start of a pass: each user's jobs that hold nodes counted
     */
    static RunLimits qos(List<JobType> jobs, Map<String, Integer> maxPerUser) {
        return new RunLimits(job -> job.getQos() != null && maxPerUser.containsKey(job.getQos())
                ? job.getQos() + "\u0000" + job.getUser() : null, job -> maxPerUser.get(job.getQos()),
                job -> "QOS " + job.getQos() + ": at most " + maxPerUser.get(job.getQos()) + " job"
                        + (maxPerUser.get(job.getQos()) == 1 ? "" : "s") + " of " + job.getUser()
                        + " at once (max-jobs-per-user)").counting(jobs);
    }

    private RunLimits counting(List<JobType> jobs) {
        for (JobType job : jobs) {
            String kind = kindOf.apply(job);
            if (kind != null && job.getAllocated() != null && !"queued".equals(job.getState().value())
                    && !"completed".equals(job.getState().value())) {
                taken.merge(kind, 1, Integer::sum);
            }
        }
        return this;
    }

    /**
     * @param candidates the queued jobs a pass would plan
     * @param jobs       the same jobs as the scheduler's copy has them, by id
     * @param waiting    where the jobs left out are put, with why they wait
     * @return the candidates the pass may offer, in the order given: every job outside a limited kind, and as many of a
     *         limited kind's jobs as it has room for, the room going to the highest priorities first (then in the
     *         order given)
     */
    List<QueuedJob> offer(List<QueuedJob> candidates, Map<String, JobType> jobs, Map<String, Plan.Waiting> waiting) {
        List<QueuedJob> limitedByPriority = new ArrayList<>();
        for (QueuedJob candidate : candidates) {
            if (kindOf.apply(jobs.get(candidate.id())) != null) {
                limitedByPriority.add(candidate);
            }
        }
        if (limitedByPriority.isEmpty()) {
            return candidates; // the common pass: no limited job waits, nothing to sort
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
     * @return whether the pass may offer it: true for a job outside a limited kind, else whether its kind has room (the
     *         room is then taken)
     */
    boolean admit(JobType job) {
        String kind = kindOf.apply(job);
        if (kind == null) {
            return true;
        }
        int used = taken.getOrDefault(kind, 0);
        if (used >= limitOf.applyAsInt(job)) {
            return false;
        }
        taken.put(kind, used + 1);
        return true;
    }

    /**
     * @param jobs the queued jobs the pass plans, as the scheduler's copy has them, by id
     * @return the limit as the planner keeps it: a job's kind is full when its jobs holding nodes and started in this
     *         pass reach the limit
     */
    StartGate gate(Map<String, JobType> jobs) {
        return new StartGate() {
            @Override
            public String full(QueuedJob job) {
                JobType type = jobs.get(job.id());
                String kind = type == null ? null : kindOf.apply(type);
                return kind != null && taken.getOrDefault(kind, 0) >= limitOf.applyAsInt(type) ? why.apply(type) : null;
            }

            @Override
            public void started(QueuedJob job) {
                JobType type = jobs.get(job.id());
                String kind = type == null ? null : kindOf.apply(type);
                if (kind != null) {
                    taken.merge(kind, 1, Integer::sum);
                }
            }
        };
    }

    /**
     * @param job a queued job {@link #admit} refused
     * @return why it waits, for {@code job-annotate}
     */
    Plan.Waiting waiting(JobType job) {
        return new Plan.Waiting(why.apply(job), null, List.of());
    }
}
