package org.sss.queuemanager.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentCalls;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.wire.Principal;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.schema.EventType;
import org.sss.schema.JobSubmit;
import org.sss.schema.SuiteEvent;

/**
 * The queue manager's work: submissions, the lifecycle of each job (hold, release, modify, start, cancel,
 * requeue, signal, end), dependencies and the history. Every change is committed by the {@link JobTable} before it is
 * answered. It places nothing: a scheduler names each start's nodes ({@link #start}), which are checked against the
 * node state manager's nodes ({@link NodeDirectory}). Once a second (and after every change that may let a job run) it
 * marks jobs whose dependencies can never be met as completed, and forgets completed jobs older than the history.
 * Thread-safe.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    /** The queue manager's subscription to the process manager's and the node state manager's events. */
    public static final String SUBSCRIPTION = "queue-manager";
    private final QueueManagerSettings settings;
    private final RunningWalltime runningWalltime;
    private final JobStore store;
    private final JobTable table;
    private final Submissions submissions;
    private final JobRunner runner;
    private final NodeDirectory nodes;
    private final OutboxSender events;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("qm-tick").factory());
    private final AtomicBoolean tickPending = new AtomicBoolean();
    /** Completed jobs past the history horizon are looked for at most this often (it walks the whole table). */
    private static final long PRUNE_INTERVAL_NANOS = 5_000_000_000L;
    private long lastPruneNanos = System.nanoTime() - PRUNE_INTERVAL_NANOS;

    private JobService(QueueManagerSettings settings, JobStore store, JobTable table, ComponentCalls components)
            throws IOException {
        this.settings = settings;
        this.runningWalltime = new RunningWalltime(settings);
        this.store = store;
        this.table = table;
        this.nodes = new NodeDirectory(components);
        table.checkFeaturesWith(nodes::lacking);
        this.submissions = new Submissions(settings, table, nodes::check, new ReservationCheck(components, settings.nodes())::check);
        this.events = new OutboxSender(store.outbox(), components, "queue-manager");
        this.runner = new JobRunner(table, new ProcessManagerClient(components), new JobSpool(settings.spool()), job -> {
            events.wake();
            kick();
        }, settings.jobPath(), store);
    }

    /**
     * @return the nodes' states as the node state manager reports them
     * @throws SssException when it cannot be asked
     */
    public List<org.sss.schema.NodeStateType> nodeStates() throws SssException {
        return nodes.states();
    }

    /**
     * Opens the store, follows the jobs that were running, and starts the periodic pass.
     *
     * @param settings   the queue manager's settings
     * @param components how to reach the process manager and the event manager
     * @return the service
     * @throws IOException if the store or the spool cannot be opened
     */
    public static JobService start(QueueManagerSettings settings, ComponentCalls components) throws IOException {
        JobStore store = JobStore.open(settings.database());
        List<Job> loaded;
        JobTable table;
        try {
            loaded = store.loadAll();
            table = new JobTable(store, loaded);
        } catch (SQLException e) {
            store.close();
            throw new IOException("cannot read " + settings.database() + ": " + e.getMessage(), e);
        }
        JobService service = new JobService(settings, store, table, components);
        List<Job> running = loaded.stream().filter(Job::holdsNodes).toList();
        service.runner.recover(running);
        LOG.info("queue-manager: {} job(s) in the store, {} running", loaded.size(), running.size());
        service.ticker.scheduleWithFixedDelay(service::tick, 1, 1, TimeUnit.SECONDS);
        service.events.wake();
        return service;
    }

    /**
     * @param request   a submission
     * @param principal who submits
     * @return the jobs created, committed
     * @throws SssException if the submission is refused (nothing is stored) or cannot be stored
     */
    public List<Job> submit(JobSubmit request, Principal principal) throws SssException {
        List<Job> jobs = submissions.jobsOf(request, principal);
        Job first = jobs.getFirst();
        String id = first.arrayIndex() == null ? first.id() : first.sequence() + "[]";
        table.add(jobs);
        LOG.info("queue-manager: job {}: submitted by {} to {} ({} node(s) x {})", id, principal, first.spec().queue(),
                first.spec().nodes(), first.spec().ppn());
        events.wake();
        kick();
        return jobs;
    }

    /** @return the accounting records of completed jobs */
    public AccountingRecords accounting() {
        return store.accounting();
    }

    /** @return the jobs */
    public JobTable table() {
        return table;
    }

    /**
     * Starts a queued job on nodes (a scheduler's job-start): checks the nodes, commits the allocation, and answers;
     * the launch goes on in the background, and a launch that fails puts the job back in the queue or ends it with
     * its reason, each announced by its event.
     *
     * @param id        the job
     * @param nodeNames its nodes
     * @return the job, running
     * @throws SssException if the allocation is refused (an unknown node, a node held by another job, the job not
     *                      queued or its dependencies not met)
     */
    public Job start(String id, List<String> nodeNames) throws SssException {
        nodes.check(nodeNames);
        Optional<Job> asked = table.get(id);
        if (asked.isPresent()) {
            NodeChoice choice = asked.get().spec().nodeChoice();
            nodes.freshen(nodeNames, choice.features(), choice.gpus());
        }
        Set<String> marked = runner.willLaunch(List.of(id));
        Job started;
        try {
            started = allocate(id, nodeNames);
        } catch (SssException | RuntimeException e) {
            marked.forEach(runner::notLaunched);
            throw e;
        }
        runner.launch(started);
        return started;
    }

    /**
     * Starts several queued jobs (a scheduler's pass), as {@link #start(String, List)} does each, with every allowed
     * start committed in one transaction; a refused start is logged and leaves the others to go on.
     *
     * @param starts each job's nodes, by job id, in the order to start them
     * @return the jobs started, running
     * @throws SssException if the starts cannot be stored (then none is)
     */
    public List<Job> start(Map<String, List<String>> starts) throws SssException {
        List<JobTable.Start> allowed = new ArrayList<>(starts.size());
        for (Map.Entry<String, List<String>> start : starts.entrySet()) {
            String id = start.getKey();
            try {
                nodes.check(start.getValue());
                Job known = table.get(id).orElseThrow(() -> SssException.notFound("no job " + id));
                nodes.freshen(start.getValue(), known.spec().nodeChoice().features(), known.spec().nodeChoice().gpus());
                allowed.add(new JobTable.Start(id, start.getValue(), pgidOf(known)));
            } catch (SssException e) {
                LOG.info("queue-manager: job {}: start on {} refused: {}", id, String.join(",", start.getValue()),
                        e.getMessage());
            }
        }
        Set<String> marked = runner.willLaunch(allowed.stream().map(JobTable.Start::id).toList());
        JobTable.Started result;
        try {
            result = table.start(allowed);
        } catch (SssException | RuntimeException e) {
            marked.forEach(runner::notLaunched);
            throw e;
        }
        result.refused().forEach((id, e) -> LOG.info("queue-manager: job {}: start refused: {}", id, e.getMessage()));
        Set<String> startedIds = new HashSet<>();
        result.started().forEach(job -> startedIds.add(job.id()));
        marked.stream().filter(id -> !startedIds.contains(id)).forEach(runner::notLaunched);
        if (!result.started().isEmpty()) {
            events.wake();
        }
        result.started().forEach(runner::launch);
        return result.started();
    }

    /**
     * Takes in an event the queue manager subscribes to (a process group's end, a node's new state), and records how
     * far it has read: a group's end is committed before this returns, so before the event is acknowledged.
     *
     * @param event the event
     */
    public void onEvent(EventType event) {
        onEvents(List.of(event));
    }

    /**
     * Takes in the events of one push, as {@link #onEvent} does each, with the ends of their groups committed in one
     * transaction, and records how far it has read once.
     *
     * @param events the events, in sequence order
     */
    public void onEvents(List<EventType> events) {
        List<org.sss.schema.PgType> ends = new ArrayList<>();
        Long last = null;
        for (EventType event : events) {
            if (event.getNode() != null) {
                nodes.note(event.getNode());
            } else if (event.getProcessGroup() != null && SuiteEvent.PROCESS_GROUP_END.value().equals(event.getMsg())) {
                ends.add(event.getProcessGroup());
            }
            if (event.getSeq() != null) {
                last = event.getSeq();
            }
        }
        runner.ended(ends);
        if (last != null) {
            store.saveCursorLater(SUBSCRIPTION, last);
        }
    }

    /**
     * @return the sequence number after which the queue manager's subscription resumes: the last event it took in, as
     *         it recorded (so that no group's end published while it was away, or before it first subscribed, is
     *         missed)
     * @throws IOException if the store cannot be read
     */
    public long eventCursor() throws IOException {
        try {
            return store.cursor(SUBSCRIPTION);
        } catch (SQLException e) {
            throw new IOException("cannot read the event cursor: " + e.getMessage(), e);
        }
    }

    /** Checks and commits a start (the job is running on its nodes from here on); launching it is the caller's. */
    private Job allocate(String id, List<String> nodes) throws SssException {
        Job known = table.get(id).orElseThrow(() -> SssException.notFound("no job " + id));
        Job started = table.start(id, nodes, pgidOf(known));
        events.wake();
        return started;
    }

    /** @return the process group a queued job's next run is: {@code job-ID-RUN} (the documented mapping) */
    private static String pgidOf(Job job) {
        return "job-" + job.id().replace("[", "-").replace("]", "") + "-" + (job.runs() + 1);
    }

    /**
     * @param job      the job
     * @param by       who cancels
     * @return the job after the cancel
     * @throws SssException if the change cannot be stored, or the job has completed
     */
    public Job cancel(Job job, Principal by) throws SssException {
        String why = "cancelled by " + (by.user() != null ? by.user() : by.name());
        return switch (job.state()) {
            case QUEUED, HELD -> {
                Job done = table.change(job.id(), current -> current.state() == Job.State.QUEUED || current.state() == Job.State.HELD
                        ? current.completed(null, why, Instant.now()) : current, current -> SuiteEvent.JOB_FINISHED);
                events.wake();
                kick();
                // Started since it was read (a cancel of many jobs waits on each kill): it is killed instead.
                yield done.holdsNodes() ? runner.kill(done, why) : done;
            }
            case RUNNING, EXITING -> runner.kill(job, why); // an exiting job's kill is sent again
            case COMPLETED -> throw SssException.invalidState("job " + job.id() + " has completed");
        };
    }

    /**
     * Holds or releases a waiting job. An administrator's hold is an operator hold, which only an administrator
     * releases; a user's is a user hold (as PBS's {@code qhold -h u} and {@code -h o}).
     *
     * @param job  the job
     * @param hold whether to hold (true) or release it
     * @param by   who asks
     * @return the job after
     * @throws SssException if it is running or completed, or a user would release an administrator's hold
     */
    public Job hold(Job job, boolean hold, Principal by) throws SssException {
        Job changed = table.change(job.id(), current -> {
            if (current.state() != Job.State.QUEUED && current.state() != Job.State.HELD) {
                throw SssException.invalidState("job " + current.id() + " is " + current.state().xmlName()
                        + "; only a waiting job can be " + (hold ? "held" : "released"));
            }
            if (!hold && current.hold() == Job.Hold.OPERATOR && !by.isPrivileged()) {
                throw SssException.permissionDenied("job " + current.id() + " was held by an administrator; only an"
                        + " administrator may release it");
            }
            Job.Hold next = !hold ? Job.Hold.NONE
                    : by.isPrivileged() || current.hold() == Job.Hold.OPERATOR ? Job.Hold.OPERATOR : Job.Hold.USER;
            return current.hold() == next ? current : current.withHold(next);
        }, current -> hold ? SuiteEvent.JOB_HELD : SuiteEvent.JOB_RELEASED);
        events.wake();
        kick();
        return changed;
    }

    /**
     * @param job the job
     * @param by  who requeues
     * @return the job after (a running job is exiting until its processes end, then queued)
     * @throws SssException if it has completed, or may not run again (qsub -r n, sbatch --no-requeue)
     */
    public Job requeue(Job job, Principal by) throws SssException {
        if (!job.spec().rerunnable() && job.state() == Job.State.RUNNING) {
            throw SssException.invalidState("job " + job.id() + " is not rerunnable (qsub -r n, sbatch --no-requeue)");
        }
        return switch (job.state()) {
            case QUEUED, HELD -> job;
            case RUNNING -> runner.kill(job, JobRunner.REQUEUE + " by " + (by.user() != null ? by.user() : by.name()));
            case EXITING -> throw SssException.invalidState("job " + job.id() + " is already exiting");
            case COMPLETED -> throw SssException.invalidState("job " + job.id() + " has completed");
        };
    }

    /**
     * @param job    the job
     * @param signal a signal name or number
     * @return the job
     * @throws SssException if it is not running, or the process manager refuses
     */
    public Job signal(Job job, String signal) throws SssException {
        if (job.state() != Job.State.RUNNING) {
            throw SssException.invalidState("job " + job.id() + " is " + job.state().xmlName() + ", not running");
        }
        runner.signal(job, signal);
        return job;
    }

    /**
     * @param job     the job
     * @param options qalter options, or with {@code slurm} sbatch's that a waiting job may change (scontrol update)
     * @param slurm   whether the options are sbatch's
     * @param by      who asks
     * @return the job after
     * @throws SssException if it is not waiting, or an option is bad
     */
    public Job modify(Job job, List<String> options, boolean slurm, Principal by) throws SssException {
        if (job.state() == Job.State.RUNNING) {
            return modifyRunning(job, options, slurm, by);
        }
        Job.JobSpec spec = slurm ? submissions.modifiedSlurm(job, options, by) : submissions.modified(job, options);
        Job changed = table.change(job.id(), current -> {
            if (current.state() != Job.State.QUEUED && current.state() != Job.State.HELD) {
                throw SssException.invalidState("job " + current.id() + " is " + current.state().xmlName()
                        + "; only a waiting job can be altered");
            }
            return current.withSpec(spec);
        }, current -> SuiteEvent.JOB_MODIFIED);
        events.wake();
        kick();
        return changed;
    }

    /** A running job's new walltime, recorded, then its timer set to it (a limit already past ends it at once). */
    private Job modifyRunning(Job job, List<String> options, boolean slurm, Principal by) throws SssException {
        Job.JobSpec spec = runningWalltime.changed(job, options, slurm, by);
        Job changed = table.change(job.id(), current -> {
            if (current.state() != Job.State.RUNNING) {
                throw SssException.invalidState("job " + current.id() + " is " + current.state().xmlName()
                        + " now; its walltime is no longer changed");
            }
            if (!job.pgid().equals(current.pgid()) || !job.spec().equals(current.spec())) {
                // checked against what was read: another change, or another run, came in between
                throw SssException.invalidState("job " + current.id() + " changed while this was asked; ask again");
            }
            return current.withSpec(spec);
        }, current -> SuiteEvent.JOB_MODIFIED);
        events.wake();
        runner.walltimeChanged(changed);
        LOG.info("queue-manager: job {}: walltime now {} (asked by {})", job.id(),
                spec.walltime() == 0 ? "none" : org.sss.queuemanager.internal.pbs.Walltime.format(spec.walltime()), by);
        return changed;
    }

    /** Runs the periodic pass soon (coalesced). */
    private void kick() {
        if (tickPending.compareAndSet(false, true)) {
            ticker.execute(this::tick);
        }
    }

    private void tick() {
        tickPending.set(false);
        try {
            endUnrunnable();
            pruneHistory();
        } catch (RuntimeException | SssException e) {
            LOG.warn("queue-manager: periodic pass failed: {}", e.getMessage());
        }
    }

    private void endUnrunnable() throws SssException {
        for (Job job : table.waitingOnDependencies()) {
            Dependencies.Status status = Dependencies.of(table, job);
            if (status.verdict() == Dependencies.Verdict.NEVER) {
                table.change(job.id(), current -> current.isCompleted() ? current
                        : current.completed(null, status.why(), Instant.now()), current -> SuiteEvent.JOB_FINISHED);
                LOG.info("queue-manager: job {}: removed: {}", job.id(), status.why());
                events.wake();
            }
        }
    }

    private void pruneHistory() throws SssException {
        long now = System.nanoTime();
        if (now - lastPruneNanos < Math.min(PRUNE_INTERVAL_NANOS, settings.history().toNanos())) {
            return;
        }
        lastPruneNanos = now;
        Instant horizon = Instant.now().minus(settings.history());
        List<String> old = table.all().stream().filter(job -> job.isCompleted() && job.ended() != null
                && job.ended().isBefore(horizon)).map(Job::id).toList();
        table.forget(old);
    }

    /** Stops the periodic pass and the followers; running jobs run on and are found again at the next start. */
    @Override
    public void close() {
        ticker.shutdownNow();
        runner.close();
        events.close();
        store.close();
    }
}
