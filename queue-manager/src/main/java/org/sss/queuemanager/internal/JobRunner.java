package org.sss.queuemanager.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.error.TransportException;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.schema.PgState;
import org.sss.schema.PgType;

/**
 * Runs started jobs through the process manager; {@link JobEnds} records how they end. A start is recorded before anyone is
 * answered ({@link JobTable#start}); {@link #launch} then creates the job's process group in the background: its
 * spool (script and node file), and the group itself (the script on the first node, as the job's user, in the submit
 * directory, with the PBS_ variables, its output in its files: see {@link JobGroups}). A group's end comes back as the
 * process manager's durable {@code process-group-end} event ({@link #ended}), never by asking in a loop: the job is
 * recorded as completed (or put back in the queue: requeued, or never launched) before its own event goes out and
 * before the event is acknowledged. The runner also enforces walltimes and ends, cancels, requeues and signals running
 * jobs; and, when the queue manager starts, asks once after each job it had left running ({@link #recover}).
 *
 * <p>Launching survives the process manager being away: a create that got no answer is sent again with the same pgid
 * (the process manager answers a create of a group it has with that group, so a job never starts twice), until it is
 * answered. A cancel that comes while the create is on its way is carried out once it is answered. Thread-safe.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** The reason a job is ended with when it is put back in the queue. */
    static final String REQUEUE = "requeued";
    /** Where a submission keeps its {@code -S} shell (in the job's environment). */
    static final String SHELL_VARIABLE = JobGroups.SHELL_VARIABLE;
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);
    /** How long {@link #close} lets launches and recoveries on their way finish (their spool, their create). */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private final JobTable table;
    private final ProcessManagerClient processManager;
    private final JobSpool spool;
    private final JobGroups groups;
    private final GroupReleases releases;
    private final JobEnds ends;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("qm-timers").factory());
    private final JobTimers jobTimers;
    /** Jobs whose create is on its way, by id: true once a cancel asked to kill the group as soon as it exists. */
    private final Map<String, Boolean> launching = new ConcurrentHashMap<>();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param table          the jobs
     * @param processManager the process manager
     * @param spool          where scripts and node files are written
     * @param onEnd          told of each job that completed or went back to the queue (after it is committed)
     * @param jobPath        the PATH a job's script runs with
     * @param store          where ended groups are noted until the process manager has forgotten them
     */
    public JobRunner(JobTable table, ProcessManagerClient processManager, JobSpool spool, Consumer<Job> onEnd,
                     String jobPath, JobStore store) {
        this.table = table;
        this.processManager = processManager;
        this.spool = spool;
        this.groups = new JobGroups(jobPath);
        this.releases = new GroupReleases(processManager, store, timers);
        this.jobTimers = new JobTimers(table, processManager, timers, this::kill);
        this.ends = new JobEnds(table, spool, releases, onEnd, id -> jobTimers.cancel(id, true));
    }

    /**
     * Marks jobs about to be started, before their start is committed: a cancel that comes between the commit and
     * {@link #launch} then waits for the launch (the group is killed as soon as it exists) instead of finding no group
     * and ending the job while its create is still to be sent. A job whose start is not committed after all is
     * unmarked with {@link #notLaunched}.
     *
     * @param ids the jobs
     * @return those it marked (a job already being launched is left as it is, and must not be unmarked)
     */
    public Set<String> willLaunch(Collection<String> ids) {
        Set<String> marked = new HashSet<>();
        for (String id : ids) {
            if (launching.putIfAbsent(id, false) == null) {
                marked.add(id);
            }
        }
        return marked;
    }

    /** @param id a job {@link #willLaunch} marked whose start was not committed */
    public void notLaunched(String id) {
        if (Boolean.TRUE.equals(launching.remove(id))) {
            // A kill came while it was marked, and waited for a launch that is not coming: the job runs from an
            // earlier start (a start naming a running job is refused), so the kill is owed to that run now.
            table.get(id).filter(Job::holdsNodes).ifPresent(job -> killLaunched(job, Duration.ofMillis(100)));
        }
    }

    /**
     * Launches a job that {@link JobTable#start} has just recorded as running, in the background: the caller is
     * answered at once. If it cannot be launched, it is ended with the reason (its own problem: a missing user, a
     * spool it cannot write) or put back in the queue (one of its nodes left the ring).
     *
     * @param job the job, running
     */
    public void launch(Job job) {
        launching.putIfAbsent(job.id(), job.state() == Job.State.EXITING);
        background("qm-launch-" + job.id(), () -> create(job, Duration.ofMillis(100)));
    }

    /** A launch (first or retried on a timer), which must not end silently: the job would hold its nodes for ever. */
    private void create(Job job, Duration retry) {
        try {
            createOnce(job, retry);
        } catch (RuntimeException e) {
            LOG.error("queue-manager: job {}: its launch failed unexpectedly: {}", job.id(), e.toString(), e);
            launching.remove(job.id());
            finish(job.id(), null, "cannot start: " + e);
        }
    }

    private void createOnce(Job job, Duration retry) {
        if (closed) {
            return;
        }
        Job current = table.get(job.id()).orElse(null);
        if (current == null || !current.holdsNodes() || !job.pgid().equals(current.pgid())) {
            launching.remove(job.id());
            return;
        }
        try {
            JobSpool.JobFiles files = spool.prepare(current);
            processManager.create(groups.groupOf(current, files));
        } catch (JobSpool.SpoolException e) {
            LOG.warn("queue-manager: job {}: cannot be started: {}", job.id(), e.getMessage());
            launching.remove(job.id());
            finish(job.id(), null, "cannot start: " + e.getMessage());
            return;
        } catch (SssException e) {
            if (e instanceof TransportException || e.code() == ErrorCode.NOT_REGISTERED
                    || e.code() == ErrorCode.TIMED_OUT) {
                LOG.info("queue-manager: job {}: the process manager did not answer its start ({}); asking again",
                        job.id(), e.getMessage());
                timers.schedule(() -> create(job, min(retry.multipliedBy(2), MAX_RETRY)), retry.toMillis(),
                        TimeUnit.MILLISECONDS);
                return;
            }
            boolean cancelled = Boolean.TRUE.equals(launching.remove(job.id()));
            LOG.warn("queue-manager: job {}: process manager refused the start: {}", job.id(), e.getMessage());
            if (e.code() == ErrorCode.UNAVAILABLE && !cancelled) {
                requeue(job.id(), "not started (" + e.getMessage() + "); queued again");
            } else {
                finish(job.id(), null, "cannot start: " + e.getMessage());
            }
            return;
        }
        LOG.info("queue-manager: job {}: started on {} as process group {}", job.id(), String.join(",", job.allocated()),
                job.pgid());
        jobTimers.follow(job.id(), job.pgid());
        if (Boolean.TRUE.equals(launching.remove(job.id()))) {
            killLaunched(current, retry);
        }
    }

    /** Kills a group that exists (a cancel came during its create), trying again until the process manager answers. */
    private void killLaunched(Job job, Duration retry) {
        if (closed) {
            return;
        }
        try {
            killGroup(job);
        } catch (SssException e) {
            LOG.info("queue-manager: job {}: its process group cannot be killed yet ({}); trying again", job.id(),
                    e.getMessage());
            timers.schedule(() -> killLaunched(job, min(retry.multipliedBy(2), MAX_RETRY)), retry.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Records the end of a job's process group, from the process manager's {@code process-group-end} event. An end of
     * a group that no running job has (another client's, or one already recorded) changes nothing.
     *
     * @param end the group, as the event carries it
     */
    public void ended(PgType end) {
        ends.ended(List.of(end));
    }

    /**
     * Records the ends of process groups, as {@link #ended(PgType)} does each, the ends of jobs that completed (or go
     * back to the queue after an exiting requeue) committed in one transaction.
     *
     * @param ends the groups, as their events carry them, in order
     */
    public void ended(List<PgType> ended) {
        ends.ended(ended);
    }

    /** What an ended group's processes used, as its hosts measured it. */
    static JobUsage usageOf(PgType end) {
        return JobEnds.usageOf(end);
    }

    private void finish(String id, Integer status, String groupReason) {
        ends.finish(id, status, groupReason, JobUsage.NONE);
    }

    private void requeue(String id, String why) {
        ends.requeue(id, why);
    }

    /**
     * Follows the jobs left running when the queue manager stopped: asks the process manager once after each group,
     * in the background. An ended group is recorded at once (its event may also come, and then changes nothing); a
     * running one is awaited (its event comes); one the process manager never heard of was never created (the queue
     * manager stopped between recording the start and creating it), and is created now. The ended groups whose
     * release the process manager had not acknowledged are named to it again.
     *
     * @param jobs the jobs recorded as running or exiting
     */
    public void recover(List<Job> jobs) {
        releases.resume();
        for (Job job : jobs) {
            launching.putIfAbsent(job.id(), job.state() == Job.State.EXITING);
            background("qm-recover-" + job.id(), () -> recover(job, Duration.ofMillis(200)));
        }
    }

    private void recover(Job job, Duration retry) {
        if (closed) {
            return;
        }
        PgType group;
        try {
            group = processManager.info(job.pgid()).getFirst();
        } catch (SssException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                LOG.warn("queue-manager: job {}: cannot reach the process manager ({}); asking again", job.id(),
                        e.getMessage());
                again(job, retry);
            } else if (Boolean.TRUE.equals(launching.get(job.id()))) {
                launching.remove(job.id());
                LOG.info("queue-manager: job {}: its process group was never created and it was ended ({})", job.id(),
                        job.reason());
                finish(job.id(), null, job.reason());
            } else {
                LOG.info("queue-manager: job {}: its process group was never created; creating it", job.id());
                create(job, Duration.ofMillis(100));
            }
            return;
        }
        if (group.getState() == PgState.STARTING) {
            again(job, retry); // a launch the process manager is still deciding: its end or its absence comes later
            return;
        }
        boolean kill = Boolean.TRUE.equals(launching.remove(job.id()));
        if (group.getState() == PgState.ENDED) {
            ended(group);
            return;
        }
        jobTimers.follow(job.id(), job.pgid()); // the table's copy: its walltime may have changed since it was read
        if (kill) {
            killLaunched(job, retry);
        }
    }

    private void again(Job job, Duration retry) {
        timers.schedule(() -> recover(job, min(retry.multipliedBy(2), MAX_RETRY)), retry.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Ends a running job: marks it exiting with the reason, then kills its group (TERM, then KILL after the process
     * manager's grace). Its end arrives as the group's {@code process-group-end} event. A job whose group does not
     * exist yet is killed as soon as its create is answered; one whose group the process manager never had ends now.
     *
     * @param job    the job, running
     * @param reason why (kept as the job's reason; {@link #REQUEUE} puts it back in the queue instead)
     * @return the job, exiting
     * @throws SssException if the change cannot be stored or the group cannot be killed
     */
    public Job kill(Job job, String reason) throws SssException {
        Job exiting = table.change(job.id(), current -> current.state() == Job.State.RUNNING
                || current.state() == Job.State.EXITING && cancelsRequeue(current.reason(), reason)
                ? current.in(Job.State.EXITING, reason) : current, current -> null);
        if (launching.computeIfPresent(job.id(), (id, kill) -> true) != null) {
            return exiting;
        }
        try {
            killGroup(exiting);
        } catch (SssException e) {
            // The job is exiting on disk: the kill is owed, and a process manager that is away (restarting, say)
            // must not leave it running until someone asks again; a walltime's kill has nobody to ask again.
            LOG.warn("queue-manager: job {}: its process group cannot be killed now ({}); trying again", job.id(),
                    e.getMessage());
            timers.schedule(() -> killLaunched(exiting, Duration.ofMillis(200)), 100, TimeUnit.MILLISECONDS);
        }
        return exiting;
    }

    /** A cancel (or walltime) of a job exiting to be requeued ends it instead: it must not go back to the queue. */
    private static boolean cancelsRequeue(String current, String reason) {
        return current.startsWith(REQUEUE) && !reason.startsWith(REQUEUE);
    }

    private void killGroup(Job job) throws SssException {
        try {
            processManager.kill(job.pgid());
        } catch (SssException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            finish(job.id(), null, job.reason());
        }
    }

    /**
     * @param job    a running job
     * @param signal a signal name or number
     * @throws SssException if the process manager refuses
     */
    public void signal(Job job, String signal) throws SssException {
        processManager.signal(job.pgid(), signal, true, null);
    }

    /** @param job a running job whose walltime changed: its timers follow the table's latest limit */
    public void walltimeChanged(Job job) {
        jobTimers.follow(job.id(), job.pgid());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * How a job's script is run: by the shell {@code -S} named, else as the program its {@code #!} line names (the
     * script is executed), else by {@code /bin/sh}, as a shell runs a script without one.
     *
     * @param job   the job
     * @param files its spool files
     * @return the program and its arguments
     */
    static List<String> commandOf(Job job, JobSpool.JobFiles files) {
        return JobGroups.commandOf(job, files);
    }

    /**
     * Stops launching and timing jobs (they run on, and are found again at the next start), letting the launches on
     * their way finish for up to {@link #CLOSE_WAIT}.
     */
    @Override
    public void close() {
        closed = true;
        ends.close();
        timers.shutdownNow();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread worker : List.copyOf(workers)) {
            try {
                worker.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Runs a launch or a recovery on its own virtual thread, which {@link #close} lets finish (briefly). */
    private void background(String name, Runnable work) {
        Thread worker = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                work.run();
            } finally {
                workers.remove(Thread.currentThread());
            }
        });
        workers.add(worker);
        worker.start();
    }
}
