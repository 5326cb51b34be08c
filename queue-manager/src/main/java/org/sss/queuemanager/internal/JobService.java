package org.sss.queuemanager.internal;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.config.ClusterNodes;
import org.sss.lib.error.SssException;
import org.sss.lib.runtime.OutboxSender;
import org.sss.lib.wire.Principal;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.queuemanager.QueueManagerSettings;
import org.sss.schema.JobSubmit;
import org.sss.schema.SuiteEvent;

/**
 * The queue manager's work: submissions, the lifecycle of each job (hold, release, modify, start, cancel,
 * requeue, signal, end), dependencies, the built-in first-fit starter and the history. Every change is committed
 * by the {@link JobTable} before it is answered. Once a second (and after every change that may let a job run)
 * it marks jobs whose dependencies can never be met as completed, starts what fits when first-fit is on, and
 * forgets completed jobs older than the history. Thread-safe.
 */
public final class JobService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
    private final QueueManagerSettings settings;
    private final JobStore store;
    private final JobTable table;
    private final Submissions submissions;
    private final JobRunner runner;
    private final OutboxSender events;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("qm-tick").factory());
    private final AtomicBoolean tickPending = new AtomicBoolean();
    /** Completed jobs past the history horizon are looked for at most this often (it walks the whole table). */
    private static final long PRUNE_INTERVAL_NANOS = 5_000_000_000L;
    private long lastPruneNanos = System.nanoTime() - PRUNE_INTERVAL_NANOS;

    private JobService(QueueManagerSettings settings, JobStore store, JobTable table, ComponentClient components)
            throws IOException {
        this.settings = settings;
        this.store = store;
        this.table = table;
        this.submissions = new Submissions(settings, table);
        this.events = new OutboxSender(store.outbox(), components, "queue-manager");
        this.runner = new JobRunner(table, new ProcessManagerClient(components), new JobSpool(settings.spool()), job -> {
            events.wake();
            kick();
        }, settings.jobPath());
    }

    /**
     * Opens the store, follows the jobs that were running, and starts the periodic pass.
     *
     * @param settings   the queue manager's settings
     * @param components how to reach the process manager and the event manager
     * @return the service
     * @throws IOException if the store or the spool cannot be opened
     */
    public static JobService start(QueueManagerSettings settings, ComponentClient components) throws IOException {
        JobStore store = JobStore.open(settings.database());
        List<Job> loaded;
        try {
            loaded = store.loadAll();
        } catch (SQLException e) {
            store.close();
            throw new IOException("cannot read " + settings.database() + ": " + e.getMessage(), e);
        }
        JobService service = new JobService(settings, store, new JobTable(store, loaded), components);
        int running = 0;
        for (Job job : loaded) {
            if (job.holdsNodes()) {
                service.runner.recover(job);
                running++;
            }
        }
        LOG.info("queue-manager: {} job(s) in the store, {} running", loaded.size(), running);
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

    /** @return the jobs */
    public JobTable table() {
        return table;
    }

    /**
     * Starts a queued job on nodes (a scheduler's job-start): commits the allocation, then launches.
     *
     * @param id    the job
     * @param nodes its nodes
     * @return the job after the launch (running; or queued again or completed when it could not be launched)
     * @throws SssException if the allocation is refused
     */
    public Job start(String id, List<String> nodes) throws SssException {
        Job started = allocate(id, nodes);
        runner.launch(started);
        return table.get(id).orElse(started);
    }

    /** Checks and commits a start (the job is running on its nodes from here on); launching it is the caller's. */
    private Job allocate(String id, List<String> nodes) throws SssException {
        Job known = table.get(id).orElseThrow(() -> SssException.notFound("no job " + id));
        if (!settings.nodes().isEmpty()) {
            Set<String> names = new java.util.HashSet<>(settings.nodes().stream().map(ClusterNodes.Node::name).toList());
            for (String node : nodes) {
                if (!names.contains(node)) {
                    throw SssException.badValue("unknown node " + node);
                }
            }
        }
        Dependencies.Status deps = Dependencies.of(table, known);
        if (deps.verdict() != Dependencies.Verdict.MET) {
            throw SssException.invalidState("job " + id + " cannot start: " + deps.why());
        }
        String pgid = "job-" + id.replace("[", "-").replace("]", "") + "-" + (known.runs() + 1);
        Job started = table.start(id, nodes, pgid);
        events.wake();
        return started;
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
                yield done;
            }
            case RUNNING -> runner.kill(job, why);
            case EXITING -> job;
            case COMPLETED -> throw SssException.invalidState("job " + job.id() + " has completed");
        };
    }

    /**
     * @param job  the job
     * @param hold whether to hold (true) or release it
     * @return the job after
     * @throws SssException if it is running or completed
     */
    public Job hold(Job job, boolean hold) throws SssException {
        Job changed = table.change(job.id(), current -> {
            if (current.state() != Job.State.QUEUED && current.state() != Job.State.HELD) {
                throw SssException.invalidState("job " + current.id() + " is " + current.state().xmlName()
                        + "; only a waiting job can be " + (hold ? "held" : "released"));
            }
            return current.held() == hold ? current : current.withHold(hold);
        }, current -> hold ? SuiteEvent.JOB_HELD : SuiteEvent.JOB_RELEASED);
        events.wake();
        kick();
        return changed;
    }

    /**
     * @param job the job
     * @param by  who requeues
     * @return the job after (a running job is exiting until its processes end, then queued)
     * @throws SssException if it has completed
     */
    public Job requeue(Job job, Principal by) throws SssException {
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
     * @param options qalter options
     * @return the job after
     * @throws SssException if it is not waiting, or an option is bad
     */
    public Job modify(Job job, List<String> options) throws SssException {
        Job.JobSpec spec = submissions.modified(job, options);
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
            if (settings.firstFit()) {
                firstFit();
            }
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

    private void firstFit() {
        if (settings.nodes().isEmpty()) {
            return;
        }
        Map<String, String> held = table.allocations();
        List<ClusterNodes.Node> free = new ArrayList<>(settings.nodes().stream()
                .filter(node -> !held.containsKey(node.name())).toList());
        if (free.isEmpty()) {
            return;
        }
        for (Job job : table.queued()) {
            if (free.isEmpty()) {
                return;
            }
            if (Dependencies.of(table, job).verdict() != Dependencies.Verdict.MET) {
                continue;
            }
            List<ClusterNodes.Node> fitting = free.stream().filter(node -> node.slots() >= job.spec().ppn())
                    .limit(job.spec().nodes()).toList();
            if (fitting.size() < job.spec().nodes()) {
                return;
            }
            try {
                Job started = allocate(job.id(), fitting.stream().map(ClusterNodes.Node::name).toList());
                free.removeAll(fitting);
                Thread.ofVirtual().name("qm-launch-" + job.id()).start(() -> runner.launch(started));
            } catch (SssException e) {
                LOG.info("queue-manager: job {}: first-fit start refused: {}", job.id(), e.getMessage());
                return;
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
