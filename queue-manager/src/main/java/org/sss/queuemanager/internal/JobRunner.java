package org.sss.queuemanager.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.schema.ArgType;
import org.sss.schema.CreatepgType;
import org.sss.schema.EnvType;
import org.sss.schema.OutputMode;
import org.sss.schema.PgSpec;
import org.sss.schema.PgType;
import org.sss.schema.SuiteEvent;

/**
 * Runs started jobs through the process manager and follows them to their end: writes the job's spool (script and
 * node file), creates its process group (the script on the first node, as the job's user, in the submit
 * directory, with the PBS_ variables, its standard output and error in its output files, which the job's mpd
 * opens as the user: see {@link #commandOf}), waits for the group's end
 * (reconnecting across restarts of either side), enforces the walltime, and ends, cancels, requeues and signals
 * running jobs. A job's end is committed before anyone is told of it; then {@code onEnd} hears of it.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    /** The reason a job is ended with when it is put back in the queue. */
    static final String REQUEUE = "requeued";
    /** Where a submission keeps its {@code -S} shell (in the job's environment). */
    static final String SHELL_VARIABLE = "SSS_JOB_SHELL";
    private final JobTable table;
    private final ProcessManagerClient processManager;
    private final JobSpool spool;
    private final Consumer<Job> onEnd;
    private final String jobPath;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("qm-walltime").factory());
    private final Map<String, ScheduledFuture<?>> walltimes = new ConcurrentHashMap<>();
    private final Map<String, Thread> waiters = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param table          the jobs
     * @param processManager the process manager
     * @param spool          where scripts and node files are written
     * @param onEnd          told of each job that completed or went back to the queue (after it is committed)
     * @param jobPath        the PATH a job's script runs with
     */
    public JobRunner(JobTable table, ProcessManagerClient processManager, JobSpool spool, Consumer<Job> onEnd,
                     String jobPath) {
        this.table = table;
        this.processManager = processManager;
        this.spool = spool;
        this.onEnd = onEnd;
        this.jobPath = jobPath;
    }

    /**
     * Launches a job that {@link JobTable#start} has just recorded as running. If it cannot be launched, it is
     * ended (its own problem: a missing user) or put back in the queue (the process manager answered
     * {@code unavailable}: one of its nodes left the ring). When the answer was lost (the process manager died or cannot
     * be reached), the job is followed as after a restart: the group is looked up once the process manager answers, and
     * the job is queued again only if the group was never created — so a job is never started twice.
     *
     * @param job the job, running
     */
    public void launch(Job job) {
        try {
            JobSpool.JobFiles files = spool.prepare(job);
            processManager.create(groupOf(job, files));
            LOG.info("queue-manager: job {}: started on {} as process group {}", job.id(), String.join(",", job.allocated()),
                    job.pgid());
            follow(job);
        } catch (JobSpool.SpoolException e) {
            LOG.warn("queue-manager: job {}: cannot be started: {}", job.id(), e.getMessage());
            finish(job.id(), null, "cannot start: " + e.getMessage());
        } catch (SssException e) {
            boolean transient_ = e.code() == ErrorCode.UNAVAILABLE || e instanceof org.sss.lib.error.TransportException
                    || e.code() == ErrorCode.NOT_REGISTERED;
            LOG.warn("queue-manager: job {}: process manager refused the start: {}", job.id(), e.getMessage());
            if (e.code() == ErrorCode.UNAVAILABLE && !(e instanceof org.sss.lib.error.TransportException)) {
                requeue(job.id(), "not started (" + e.getMessage() + "); queued again");
            } else if (transient_) {
                recover(job);
            } else {
                finish(job.id(), null, "cannot start: " + e.getMessage());
            }
        }
    }

    /**
     * Follows a running job found at start-up: waits for its group, or, when the process manager never heard of
     * it (the queue manager died between recording the start and creating the group), puts it back in the queue.
     *
     * @param job a job recorded as running or exiting
     */
    public void recover(Job job) {
        Thread.ofVirtual().name("qm-recover-" + job.id()).start(() -> {
            try {
                processManager.info(job.pgid());
                follow(job);
            } catch (SssException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    LOG.info("queue-manager: job {}: its process group was never created; queued again", job.id());
                    requeue(job.id(), "");
                } else {
                    LOG.warn("queue-manager: job {}: cannot reach the process manager ({}); following it anyway", job.id(),
                            e.getMessage());
                    follow(job);
                }
            }
        });
    }

    private void follow(Job job) {
        scheduleWalltime(job);
        Thread waiter = Thread.ofVirtual().name("qm-wait-" + job.id()).unstarted(() -> awaitEnd(job));
        waiters.put(job.id(), waiter);
        waiter.start();
    }

    private void awaitEnd(Job job) {
        while (!closed) {
            try {
                PgType end = processManager.waitFor(job.pgid(), Duration.ofHours(1));
                Integer status = end.getExitStatus();
                finish(job.id(), status, reasonOf(end));
                return;
            } catch (SssException e) {
                if (closed) {
                    return;
                }
                if (e.code() == ErrorCode.NOT_FOUND) {
                    LOG.warn("queue-manager: job {}: the process manager lost group {}; queued again", job.id(), job.pgid());
                    requeue(job.id(), "its process group was lost");
                    return;
                }
                if (e.code() != ErrorCode.TIMED_OUT) {
                    LOG.info("queue-manager: job {}: waiting for its end: {}; retrying", job.id(), e.getMessage());
                    pause();
                }
            }
        }
    }

    private void finish(String id, Integer status, String groupReason) {
        cancelTimer(id);
        waiters.remove(id);
        try {
            Job ended = table.end(id, job -> {
                if (!job.holdsNodes()) {
                    return job;
                }
                if (job.state() == Job.State.EXITING && job.reason().startsWith(REQUEUE)) {
                    return job.requeued("");
                }
                String why = job.state() == Job.State.EXITING ? job.reason() : status != null && status == 0 ? "" : groupReason;
                return job.completed(status, why, Instant.now());
            }, job -> job.isCompleted() ? SuiteEvent.JOB_FINISHED : SuiteEvent.JOB_REQUEUED);
            if (ended.isCompleted()) {
                LOG.info("queue-manager: job {}: completed, exit status {}{}", ended.id(), ended.exitStatus(),
                        ended.reason().isEmpty() ? "" : " (" + ended.reason() + ")");
            }
            spool.remove(ended);
            onEnd.accept(ended);
        } catch (SssException e) {
            LOG.error("queue-manager: job {}: its end could not be recorded: {}", id, e.getMessage());
        }
    }

    private void requeue(String id, String why) {
        cancelTimer(id);
        waiters.remove(id);
        try {
            Job back = table.change(id, job -> job.holdsNodes() ? job.requeued(why) : job, job -> SuiteEvent.JOB_REQUEUED);
            spool.remove(back);
            onEnd.accept(back);
        } catch (SssException e) {
            LOG.error("queue-manager: job {}: could not be queued again: {}", id, e.getMessage());
        }
    }

    /**
     * Ends a running job: marks it exiting with the reason, then kills its group (TERM, then KILL after the process
     * manager's grace). Its end arrives through the waiter.
     *
     * @param job    the job, running
     * @param reason why (kept as the job's reason; {@link #REQUEUE} puts it back in the queue instead)
     * @return the job, exiting
     * @throws SssException if the change cannot be stored or the group cannot be killed
     */
    public Job kill(Job job, String reason) throws SssException {
        Job exiting = table.change(job.id(), current -> current.state() == Job.State.RUNNING
                ? current.in(Job.State.EXITING, reason) : current, current -> null);
        if (exiting.pgid() != null) {
            processManager.kill(exiting.pgid());
        }
        return exiting;
    }

    /**
     * @param job    a running job
     * @param signal a signal name or number
     * @throws SssException if the process manager refuses
     */
    public void signal(Job job, String signal) throws SssException {
        processManager.signal(job.pgid(), signal, true, null);
    }

    private void scheduleWalltime(Job job) {
        long limit = job.spec().walltime();
        if (limit <= 0 || job.started() == null) {
            return;
        }
        long left = Duration.between(Instant.now(), job.started().plusSeconds(limit)).toMillis();
        walltimes.put(job.id(), timers.schedule(() -> walltimeReached(job.id()), Math.max(0, left), TimeUnit.MILLISECONDS));
    }

    private void walltimeReached(String id) {
        walltimes.remove(id);
        table.get(id).filter(job -> job.state() == Job.State.RUNNING).ifPresent(job -> {
            String why = "walltime " + org.sss.queuemanager.internal.pbs.Walltime.format(job.spec().walltime()) + " exceeded";
            LOG.info("queue-manager: job {}: {}; killing it", id, why);
            try {
                kill(job, why);
            } catch (SssException e) {
                LOG.warn("queue-manager: job {}: could not be killed at its walltime: {}", id, e.getMessage());
            }
        });
    }

    private void cancelTimer(String id) {
        ScheduledFuture<?> timer = walltimes.remove(id);
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CreatepgType groupOf(Job job, JobSpool.JobFiles files) {
        Job.JobSpec spec = job.spec();
        CreatepgType group = new CreatepgType();
        group.setPgid(job.pgid());
        group.setSubmitter(spec.user());
        group.setTotalprocs(1);
        group.setOutput(OutputMode.MERGED);
        PgSpec process = new PgSpec();
        List<String> command = commandOf(job, files);
        process.setExec(command.getFirst());
        process.setUser(spec.user());
        process.setCwd(spec.workdir());
        process.setPath(jobPath);
        process.setHost(job.allocated().getFirst());
        process.setStdout(spec.outputPath());
        process.setStderr(spec.errorPath());
        List<String> args = command.subList(1, command.size());
        for (int i = 0; i < args.size(); i++) {
            ArgType arg = new ArgType();
            arg.setIdx(String.valueOf(i + 1));
            arg.setValue(args.get(i));
            process.getArgOrEnvOrLimit().add(arg);
        }
        for (Map.Entry<String, String> variable : JobEnvironment.of(job, files).entrySet()) {
            EnvType env = new EnvType();
            env.setName(variable.getKey());
            env.setValue(variable.getValue());
            process.getArgOrEnvOrLimit().add(env);
        }
        group.getProcessSpecOrHostSpec().add(process);
        return group;
    }

    /**
     * Why a group ended as it did: the process manager's reason, and, when the script could not be started (exit
     * status 126 or 127), the last line the start-up wrote. A job's output goes to its files, so what the group
     * collected on its pipes is only what was said before the script ran (the launch helper's word on an output file
     * it could not open, say).
     *
     * @param end the ended group
     * @return the reason to keep with the job
     */
    static String reasonOf(PgType end) {
        String reason = end.getReason() == null ? "" : end.getReason();
        Integer status = end.getExitStatus();
        if (status == null || (status != 126 && status != 127)) {
            return reason;
        }
        String said;
        try {
            said = ProcessManagerClient.text(end.getErrorStream());
        } catch (IllegalArgumentException e) {
            return reason;
        }
        if (said == null) {
            return reason;
        }
        String last = said.strip().lines().reduce((first, second) -> second).orElse("").strip();
        if (last.length() > 300) {
            last = last.substring(0, 300);
        }
        if (last.isEmpty() || reason.contains(last) || !reason.isEmpty() && last.contains(reason)) {
            return reason;
        }
        return reason.isEmpty() ? last : reason + ": " + last;
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
        String script = files.script().toString();
        String shell = job.spec().environment().get(SHELL_VARIABLE);
        if (shell != null && !shell.isEmpty()) {
            return List.of(shell, script);
        }
        return job.spec().script().startsWith("#!") ? List.of(script) : List.of("/bin/sh", script);
    }

    /** Stops following jobs (they run on, and are found again at the next start). */
    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        waiters.values().forEach(Thread::interrupt);
    }
}
