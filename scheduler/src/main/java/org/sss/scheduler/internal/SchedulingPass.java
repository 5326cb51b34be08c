package org.sss.scheduler.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.util.Words;
import org.sss.scheduler.internal.plan.Plan;
import org.sss.scheduler.internal.plan.PlanNode;
import org.sss.scheduler.SchedulingPolicy;
import org.sss.scheduler.internal.plan.Planner;
import org.sss.scheduler.internal.plan.QueuedJob;
import org.sss.scheduler.internal.plan.Reservation;
import org.sss.scheduler.internal.plan.RunningJob;
import org.sss.scheduler.internal.plan.StartGate;
import org.sss.schema.EventType;
import org.sss.schema.JobAnnotate;
import org.sss.schema.JobStart;
import org.sss.schema.JobType;
import org.sss.schema.Jobs;
import org.sss.schema.ObjectFactory;
import org.sss.schema.QosType;
import org.sss.schema.QueueQuery;
import org.sss.schema.QueueType;
import org.sss.schema.Queues;

/**
 * One scheduling pass: plans over the scheduler's copies of the waiting and running jobs ({@link JobView}) and of the
 * nodes ({@link NodeView}), which the events keep current and the periodic pass reads whole, and asks the queue manager
 * to start what the plan starts. A job's priority is its queue's priority × {@value #QUEUE_STEP} + (its own, -p, set
 * by its owner or an administrator with qalter, plus its quality of service's) × 1,000 + its age in minutes (at most
 * 999). Jobs whose dependencies are not met or whose begin time has not come are left out, and so are the elements of
 * an array beyond its limit of elements running at once and a user's jobs beyond their QOS's
 * {@code max-jobs-per-user} ({@link RunLimits}). The pass's starts are sent in one {@code job-start} (answered once they are recorded, in one
 * transaction); a refused start is logged and planned again at the next pass.
 *
 * <p>Why each job waits is worked out at most once per {@link #NOTES_INTERVAL} (a busy queue changes it at every
 * pass, and explaining a long queue costs more than planning it), and sent to the queue manager ({@code job-annotate})
 * when it changed, so that {@code sssjob status} can say it; a pass in between plans only until nothing more can start
 * (and, when no node is free, not at all), and asks for a later explaining pass ({@link #notesPending}). Not
 * thread-safe: one pass at a time (events may be noted from any thread).
 */
public final class SchedulingPass {
    static final String QUEUE_MANAGER = "queue-manager";
    static final String NODE_STATE_MANAGER = "node-state-manager";
    /** The most starts one {@code job-start} carries (the schema's bound). */
    static final int STARTS_PER_MESSAGE = 4096;
    /**
     * @param queue the job's queue's priority
     * @param own   the job's own ({@code -p}, -1024 to 1023) plus its quality of service's (the same range)
     * @param age   how long it has waited
     * @return its place in line, highest first: the queue's priority, then its own, then its age (minutes, to 999)
     */
    static long priority(int queue, int own, Duration age) {
        return queue * QUEUE_STEP + own * 1_000L + Math.min(999, Math.max(0, age.toMinutes()));
    }

    /**
     * A queue's priority step in a job's priority, above all a job's own {@code -p} can add or take away
     * (±2,048 × 1,000 with its QOS's, plus its age in minutes up to 999): a queue's priority always comes first.
     */
    static final long QUEUE_STEP = 10_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(SchedulingPass.class);
    private static final ObjectFactory FACTORY = new ObjectFactory();
    private final ComponentCalls components;
    private final ReservationBook reservations;
    private final Planner planner;
    private static final int MAX_REASON = 4096;
    /** The shortest time between two job-annotate messages. */
    static final Duration NOTES_INTERVAL = Duration.ofSeconds(1);
    private final JobView view = new JobView();
    private final NodeView nodeView = new NodeView();
    private Map<String, Integer> queuePriority = Map.of();
    private Map<String, Integer> qosPriority = Map.of();
    private Map<String, Integer> qosMaxPerUser = Map.of();
    private Map<String, Plan.Waiting> lastNotes = Map.of();
    private long lastExplained = System.nanoTime() - NOTES_INTERVAL.toNanos();
    private boolean notesPending;

    /**
     * @param components   how to reach the queue manager and the node state manager
     * @param reservations the reservations
     * @param policy       how jobs are chosen
     */
    public SchedulingPass(ComponentCalls components, ReservationBook reservations, SchedulingPolicy policy) {
        this.components = components;
        this.reservations = reservations;
        this.planner = new Planner(policy);
    }

    /**
     * Takes in an event: a queue manager's job event updates the copy of the jobs, a node's new state the copy of the
     * nodes.
     *
     * @param event the event
     */
    public void note(EventType event) {
        if (event.getNode() != null) {
            nodeView.note(event.getNode());
        } else if (QUEUE_MANAGER.equals(event.getComponent())) {
            view.noteEvent(event);
        }
    }

    /**
     * Runs one pass.
     *
     * @param full whether to read every waiting and running job (else only what events named since the last pass)
     * @return the plan it carried out
     * @throws SssException if the queue manager or the node state manager cannot be asked
     */
    public Plan run(boolean full) throws SssException {
        Instant now = Instant.now();
        reservations.expire(now);
        view.refresh(components, full);
        if (full && notesLost()) {
            // The queue manager keeps the notes in memory only: restarted, it shows none, and notes are sent only
            // when they change. A full read shows what it has; all are sent again at the next explaining pass.
            LOG.info("scheduler: the queue manager lacks notes sent before (it restarted?); sending them again");
            lastNotes = Map.of();
        }
        if (full || queuePriority.isEmpty()) {
            readQueues();
        }
        List<PlanNode> nodes = nodeView.read(components, full);
        boolean explain = System.nanoTime() - lastExplained >= NOTES_INTERVAL.toNanos();
        if (!explain && !anyFree(nodes, view.heldNodes())) {
            notesPending = true;
            return new Plan(List.of(), Map.of());
        }
        List<JobType> jobs = view.held();
        List<RunningJob> running = runningOf(jobs);
        List<QueuedJob> queued = new ArrayList<>();
        Map<String, JobType> queuedJobs = new HashMap<>();
        Map<String, Plan.Waiting> leftOut = new HashMap<>();
        for (JobType job : jobs) {
            Duration walltime = walltimeOf(job);
            if ("queued".equals(job.getState().value()) && job.getBegin() != null && job.getBegin().isAfter(now)) {
                leftOut.put(job.getId(), new Plan.Waiting("not before " + job.getBegin() + " (begin time)", null,
                        List.of()));
            } else if ("queued".equals(job.getState().value()) && !Boolean.FALSE.equals(job.isDependenciesMet())) {
                List<String> required = Words.list(job.getRequiredNodes());
                Set<String> within = Set.of();
                Instant until = null;
                if (job.getReservation() != null) {
                    Reservation reservation = reservations.named(job.getReservation());
                    String why = InReservation.whyNot(job.getReservation(), reservation, job.getUser(), walltime,
                            required, now);
                    if (why != null) {
                        leftOut.put(job.getId(), new Plan.Waiting(why, null, List.of()));
                        continue;
                    }
                    within = reservation.nodes();
                    until = reservation.end();
                }
                queuedJobs.put(job.getId(), job);
                Instant submitted = job.getSubmitted() == null ? now : job.getSubmitted();
                long priority = priority(queuePriority.getOrDefault(job.getQueue(), 0),
                        (job.getPriority() == null ? 0 : job.getPriority())
                                + (job.getQos() == null ? 0 : qosPriority.getOrDefault(job.getQos(), 0)),
                        Duration.between(submitted, now));
                queued.add(new QueuedJob(job.getId(), job.getUser(), job.getNodes(), job.getPpn(), walltime, priority,
                        submitted, required, Words.set(job.getExcludedNodes()),
                        Words.set(job.getFeatures()), job.getGpus() == null ? 0 : job.getGpus(), within, until));
            }
        }
        queued = RunLimits.arrays(jobs).offer(queued, queuedJobs, leftOut);
        StartGate gate = qosMaxPerUser.isEmpty() ? StartGate.NONE : RunLimits.qos(jobs, qosMaxPerUser).gate(queuedJobs);
        Plan plan = planner.plan(now, nodes, running, queued, reservations.all(), explain, gate);
        if (explain && !leftOut.isEmpty()) {
            leftOut.putAll(plan.waiting());
            plan = new Plan(plan.starts(), leftOut);
        }
        start(plan.starts());
        if (explain) {
            lastExplained = System.nanoTime();
            notesPending = false;
            annotate(plan);
        } else {
            notesPending = true;
        }
        return plan;
    }

    /** @return the jobs holding nodes, as the scheduler's copy of the queue has them now (since its last read) */
    public List<RunningJob> running() {
        return runningOf(view.held());
    }

    private static List<RunningJob> runningOf(List<JobType> jobs) {
        List<RunningJob> running = new ArrayList<>();
        for (JobType job : jobs) {
            if (!"queued".equals(job.getState().value()) && job.getAllocated() != null) {
                Duration walltime = walltimeOf(job);
                Instant end = walltime == null || job.getStarted() == null ? null : job.getStarted().plus(walltime);
                running.add(new RunningJob(job.getId(), Words.list(job.getAllocated()), end));
            }
        }
        return running;
    }

    private static Duration walltimeOf(JobType job) {
        return job.getWalltime() == null || job.getWalltime() == 0 ? null : Duration.ofSeconds(job.getWalltime());
    }

    /** @return whether any usable node is held by no job (else no start is possible, whatever the queue holds) */
    private static boolean anyFree(List<PlanNode> nodes, Set<String> held) {
        for (PlanNode node : nodes) {
            if (node.usable() && !held.contains(node.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Asks the queue manager to start the pass's jobs, in one {@code job-start} (committed there in one transaction)
     * of at most {@value #STARTS_PER_MESSAGE}: the reply names the jobs started; one left out was refused, and is
     * planned again next pass.
     */
    private void start(List<Plan.Start> starts) {
        for (int from = 0; from < starts.size(); from += STARTS_PER_MESSAGE) {
            List<Plan.Start> chunk = starts.subList(from, Math.min(starts.size(), from + STARTS_PER_MESSAGE));
            if (!send(chunk) && chunk.size() > 1) {
                chunk.forEach(start -> send(List.of(start))); // one start the message could not carry stops no other
            }
        }
    }

    /** @return false if the message could not be made (a start too large to carry), so that none was sent */
    private boolean send(List<Plan.Start> starts) {
        JobStart request = new JobStart();
        for (Plan.Start start : starts) {
            JobStart.Job job = new JobStart.Job();
            job.setId(start.jobId());
            job.setNodes(String.join(" ", start.nodes()));
            request.getJob().add(job);
        }
        try {
            Set<String> started = new java.util.HashSet<>();
            for (JobType job : components.call(QUEUE_MANAGER, request, Jobs.class).getJob()) {
                view.started(job);
                started.add(job.getId());
            }
            for (Plan.Start start : starts) {
                if (started.contains(start.jobId())) {
                    LOG.info("scheduler: job {}: started on {}{}", start.jobId(), String.join(",", start.nodes()),
                            start.backfill() ? " (backfill)" : "");
                } else {
                    LOG.info("scheduler: job {}: start refused (the queue manager's log says why); planned again next"
                            + " pass", start.jobId());
                    view.invalidate();
                }
            }
        } catch (SssException e) {
            // The starts may have been committed and only the reply lost: the next pass reads every job.
            view.invalidate();
            LOG.info("scheduler: jobs {}: starts refused ({}); planned again next pass",
                    String.join(",", starts.stream().map(Plan.Start::jobId).toList()), e.getMessage());
            return e.code() != ErrorCode.INTERNAL_ERROR;
        }
        return true;
    }

    /**
     * Reads each queue's priority and each quality of service's priority and limit of jobs per user (at the periodic
     * pass: they change only with the configuration).
     */
    private void readQueues() throws SssException {
        QueueQuery queueQuery = new QueueQuery();
        QueueQuery.Queue all = new QueueQuery.Queue();
        all.setName("*");
        queueQuery.getQueue().add(all);
        Queues reply = components.call(QUEUE_MANAGER, queueQuery, Queues.class);
        Map<String, Integer> priorities = new HashMap<>();
        for (QueueType queue : reply.getQueue()) {
            priorities.put(queue.getName(), queue.getPriority() == null ? 0 : queue.getPriority());
        }
        Map<String, Integer> qos = new HashMap<>();
        Map<String, Integer> perUser = new HashMap<>();
        for (QosType one : reply.getQos()) {
            qos.put(one.getName(), one.getPriority() == null ? 0 : one.getPriority());
            if (one.getMaxJobsPerUser() != null && one.getMaxJobsPerUser() > 0) {
                perUser.put(one.getName(), one.getMaxJobsPerUser());
            }
        }
        queuePriority = priorities;
        qosPriority = qos;
        qosMaxPerUser = perUser;
    }

    /**
     * @return every node the node state manager knows, usable when up, read from it now
     * @throws SssException if it cannot be asked
     */
    public List<PlanNode> nodes() throws SssException {
        return nodeView.read(components, true);
    }

    /**
     * @return whether the last pass did not explain why jobs wait (within {@link #NOTES_INTERVAL} of the last that did):
     *         a pass after the interval sends them
     */
    public boolean notesPending() {
        return notesPending;
    }

    /** @return whether a waiting job the last notes named shows another reason at the queue manager now */
    private boolean notesLost() {
        Map<String, Plan.Waiting> sent = lastNotes;
        if (sent.isEmpty()) {
            return false;
        }
        for (JobType job : view.held()) {
            Plan.Waiting note = sent.get(job.getId());
            if (note != null && "queued".equals(job.getState().value())
                    && !clipped(note.reason()).equals(job.getReason())) {
                return true;
            }
        }
        return false;
    }

    private static String clipped(String reason) {
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }

    /** Tells the queue manager why each job waits (only when that changed, and at most once per interval). */
    private void annotate(Plan plan) {
        if (plan.waiting().equals(lastNotes)) {
            return;
        }
        JobAnnotate notes = new JobAnnotate();
        for (Map.Entry<String, Plan.Waiting> waiting : plan.waiting().entrySet()) {
            JobAnnotate.Job note = new JobAnnotate.Job();
            note.setId(waiting.getKey());
            note.setReason(clipped(waiting.getValue().reason()));
            note.setExpectedStart(waiting.getValue().expectedStart());
            if (!waiting.getValue().expectedNodes().isEmpty()) {
                note.setExpectedNodes(String.join(" ", waiting.getValue().expectedNodes()));
            }
            notes.getJob().add(note);
        }
        try {
            components.call(QUEUE_MANAGER, notes, Jobs.class);
            lastNotes = plan.waiting();
        } catch (SssException e) {
            LOG.info("scheduler: could not tell the queue manager why jobs wait: {}", e.getMessage());
        }
    }
}
