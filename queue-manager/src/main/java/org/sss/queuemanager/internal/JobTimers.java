package org.sss.queuemanager.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.processmanager.ProcessManagerClient;
import org.sss.queuemanager.internal.pbs.EndSignal;
import org.sss.queuemanager.internal.pbs.Walltime;

/**
 * The running jobs' timers: each job's walltime (its group killed when the walltime is reached) and its {@code --signal}
 * before it. A timer is set from the job as the table has it now (its walltime may have been changed while it runs), and
 * acts only if that run is still running and its limit has really passed, so that a timer of an older limit, or of an
 * earlier run, does nothing. A job's {@code --signal} is sent once per run (at least once: after a restart past its
 * time it is sent again at once). Thread-safe.
 */
final class JobTimers {
    private static final Logger LOG = LoggerFactory.getLogger(JobTimers.class);
    /** How often a --signal the process manager could not take is tried. */
    private static final int END_SIGNAL_TRIES = 3;
    /** How early a timer may fire and still act (the clock it was set by and the one it checks may differ). */
    private static final long EARLY_MILLIS = 1000;

    /** Ends a job whose walltime has passed. */
    @FunctionalInterface
    interface Killer {
        /**
         * @param job    the job, running
         * @param reason why
         * @throws SssException if the kill cannot be sent
         */
        void kill(Job job, String reason) throws SssException;
    }

    private final JobTable table;
    private final ProcessManagerClient processManager;
    private final ScheduledExecutorService timers;
    private final Killer killer;
    private final Map<String, ScheduledFuture<?>> walltimes = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> endSignals = new ConcurrentHashMap<>();
    /** The run (pgid) of each job whose --signal has been sent. */
    private final Map<String, String> signalled = new ConcurrentHashMap<>();

    /**
     * @param table          the jobs
     * @param processManager where a --signal is sent
     * @param timers         the runner's timer thread
     * @param killer         how a job is ended at its walltime
     */
    JobTimers(JobTable table, ProcessManagerClient processManager, ScheduledExecutorService timers, Killer killer) {
        this.table = table;
        this.processManager = processManager;
        this.timers = timers;
        this.killer = killer;
    }

    /**
     * Sets (or sets again) a running job's timers from the table's copy of that run; cancels them when it has no
     * walltime any more.
     *
     * @param id   the job
     * @param pgid its run
     */
    void follow(String id, String pgid) {
        Job job = table.get(id).filter(now -> now.holdsNodes() && pgid.equals(now.pgid())).orElse(null);
        if (job == null || job.started() == null) {
            return;
        }
        if (job.spec().walltime() <= 0) {
            cancel(id, false);
            return;
        }
        long left = Duration.between(Instant.now(), job.started().plusSeconds(job.spec().walltime())).toMillis();
        replace(walltimes, id, self -> timers.schedule(() -> walltimeReached(id, pgid, self.get()), Math.max(0, left),
                TimeUnit.MILLISECONDS));
        EndSignal end = job.spec().endSignal();
        if (end != null && !pgid.equals(signalled.get(id))) {
            long signalLeft = left - end.secondsBefore() * 1000L;
            replace(endSignals, id, self -> timers.schedule(() -> endSignalDue(id, pgid, 1, self.get()),
                    Math.max(0, signalLeft), TimeUnit.MILLISECONDS));
        }
    }

    /**
     * @param id     a job whose run has ended (or is ending)
     * @param forget whether its run's --signal is forgotten too (its run is over: a next run gets it again)
     */
    void cancel(String id, boolean forget) {
        for (Map<String, ScheduledFuture<?>> timersOf : List.of(walltimes, endSignals)) {
            ScheduledFuture<?> timer = timersOf.remove(id);
            if (timer != null) {
                timer.cancel(false);
            }
        }
        if (forget) {
            signalled.remove(id);
        }
    }

    /** Puts a new timer in place of the job's old one, which is cancelled; the timer knows itself, to leave its place. */
    private static void replace(Map<String, ScheduledFuture<?>> timersOf, String id,
                                java.util.function.Function<AtomicReference<ScheduledFuture<?>>, ScheduledFuture<?>> make) {
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        ScheduledFuture<?> timer = make.apply(self);
        self.set(timer);
        ScheduledFuture<?> before = timersOf.put(id, timer);
        if (before != null) {
            before.cancel(false);
        }
    }

    /** @return the job's run, if it is still running and its walltime has passed (not one set later) */
    private java.util.Optional<Job> due(String id, String pgid) {
        return table.get(id).filter(job -> job.state() == Job.State.RUNNING && pgid.equals(job.pgid())
                && job.started() != null && job.spec().walltime() > 0);
    }

    /** Sends a job's --signal, tried up to {@value #END_SIGNAL_TRIES} times a second apart while it cannot be. */
    private void endSignalDue(String id, String pgid, int attempt, ScheduledFuture<?> self) {
        endSignals.remove(id, self);
        due(id, pgid).ifPresent(job -> {
            EndSignal end = job.spec().endSignal();
            if (end == null || pgid.equals(signalled.get(id))) {
                return;
            }
            long early = Duration.between(Instant.now(), job.started().plusSeconds(job.spec().walltime()
                    - end.secondsBefore())).toMillis();
            if (early > EARLY_MILLIS) {
                return; // set for an earlier walltime: the timer of the current one sends it
            }
            LOG.info("queue-manager: job {}: {} s before its walltime: signal {} to {}", id, end.secondsBefore(),
                    end.signal(), end.shellOnly() ? "its script's shell" : "its script and all it started");
            try {
                processManager.signal(pgid, end.signal(), !end.shellOnly(), end.shellOnly() ? 0 : null);
                signalled.put(id, pgid);
            } catch (SssException e) {
                boolean again = attempt < END_SIGNAL_TRIES && e.code() != ErrorCode.INVALID_STATE
                        && e.code() != ErrorCode.NOT_FOUND && !timers.isShutdown();
                LOG.warn("queue-manager: job {}: signal {} before its walltime not delivered{}: {}", id, end.signal(),
                        again ? " (trying again in 1 s)" : "", e.getMessage());
                if (again) {
                    replace(endSignals, id, next -> timers.schedule(() -> endSignalDue(id, pgid, attempt + 1,
                            next.get()), 1, TimeUnit.SECONDS));
                } else {
                    signalled.put(id, pgid);
                }
            }
        });
    }

    private void walltimeReached(String id, String pgid, ScheduledFuture<?> self) {
        walltimes.remove(id, self);
        due(id, pgid).ifPresent(job -> {
            long left = Duration.between(Instant.now(), job.started().plusSeconds(job.spec().walltime())).toMillis();
            if (left > EARLY_MILLIS) {
                return; // set for an earlier walltime: the timer of the current one ends it
            }
            String why = "walltime " + Walltime.format(job.spec().walltime()) + " exceeded";
            LOG.info("queue-manager: job {}: {}; killing it", id, why);
            try {
                killer.kill(job, why);
            } catch (SssException e) {
                LOG.warn("queue-manager: job {}: could not be killed at its walltime: {}", id, e.getMessage());
            }
        });
    }
}
