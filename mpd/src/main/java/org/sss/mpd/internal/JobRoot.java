package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the root mpd keeps of a job it leads: every rank's end (and, for a detached job, its pid), the first
 * failure, the jobs spawned from it that are still running, and the console the job reports to.
 *
 * <p>An attached job (mpiexec's) reports to the console that launched it and is killed when that console goes.
 * A detached job (the process manager's) runs on without a console: everything the root sends it is also kept —
 * output up to the job's {@link JobSpec.Supervision#keepBytes() limit} — so that a console attaching later, such
 * as the process manager after a restart, is told the whole story first and then the rest as it happens. A spawned
 * job reports through its parent's root. Thread-safe: methods hold the object's monitor, and messages go to the
 * console under it, so replayed and live messages never interleave.
 */
final class JobRoot {
    /** What the job's processes used, as its hosts' control groups measured it (see {@link UsageTally}). */
    final UsageTally usage = new UsageTally();
    /** Exit status of a job ended for going past a limit of its confinement (as a SIGKILL'd process's). */
    static final int LIMIT_EXCEEDED = 137;
    /** Exit status of ranks on a host that was lost. */
    static final int HOST_LOST = 255;

    /**
     * How a job ended.
     *
     * @param status its exit status: 0, the first failing rank's status (for a keep-going job the highest rank
     *               status), 128+signal, or {@link #HOST_LOST}
     * @param reason what went wrong, or null for success
     */
    record Ending(int status, String reason) {
    }

    /** What recording a rank's exit means for the job. */
    enum ExitOutcome {
        /** A duplicate or out-of-range report: nothing changed. */
        IGNORED,
        /** Recorded. */
        RECORDED,
        /** Recorded, and it is the job's first failure while other ranks still run: they must be killed. */
        FIRST_FAILURE,
        /** Recorded, a failure of a keep-going job while other ranks still run: they are told and run on. */
        FAILED_OTHERS_GO_ON
    }

    private final JobSpec spec;
    private final JobRoot via;
    private final int[] status;
    private final int[] pids;
    private final List<MpdMessage> kept;
    private int exited;
    private Ending failure;
    /** Whether the failure is final: a non-keep-going job's first, or one that ends the job (abort, kill). */
    private boolean failureFinal;
    private boolean done;
    private long endedAtNanos;
    private int liveChildren;
    private final int[] coProcessesOnHost;
    private int coProcessesRunning;
    /** The co-processes counted as ended, {@code host:index}. */
    private final java.util.Set<String> coProcessesEnded = new java.util.HashSet<>();
    private Link console;
    /** Whether the job's hosts were told to hold its output (see {@link OutputFlow}). */
    private boolean outputHeld;
    private long keptBytes;
    private long droppedBytes;
    private List<Runnable> whenStarted = new ArrayList<>();

    /**
     * @param spec    the placed job
     * @param console the console that launched it (null for a spawned job)
     * @param via     the parent job's root, through which a spawned job reports; null otherwise
     */
    JobRoot(JobSpec spec, Link console, JobRoot via) {
        this.spec = spec;
        this.console = console;
        this.via = via;
        this.status = new int[spec.size()];
        this.pids = new int[spec.size()];
        Arrays.fill(status, -1);
        this.kept = spec.supervision().detached() && via == null ? new ArrayList<>() : null;
        this.coProcessesOnHost = coProcessesOnHost(spec);
        this.coProcessesRunning = Arrays.stream(coProcessesOnHost).sum();
    }

    /** How many co-processes each host of the tree starts: one per rank set with a co-process and ranks there. */
    private static int[] coProcessesOnHost(JobSpec spec) {
        int[] count = new int[spec.treeHosts().size()];
        java.util.Set<java.util.Map.Entry<Integer, JobSpec.RankSet>> seen = new java.util.HashSet<>();
        int first = 0;
        for (JobSpec.RankSet set : spec.sets()) {
            if (!set.coProcess().isEmpty()) {
                for (int rank = first; rank < first + set.count(); rank++) {
                    int host = spec.rankHost()[rank];
                    if (seen.add(java.util.Map.entry(host, set))) {
                        count[host]++;
                    }
                }
            }
            first += set.count();
        }
        return count;
    }

    /**
     * The job's output is to be held because its console is behind ({@link OutputFlow}).
     *
     * @return whether it was flowing until now (its hosts must be told)
     */
    synchronized boolean holdOutput() {
        boolean was = outputHeld;
        outputHeld = true;
        return !was;
    }

    /**
     * The job's console caught up, or went away.
     *
     * @return whether its output was held until now (its hosts must be told)
     */
    synchronized boolean releaseOutput() {
        boolean was = outputHeld;
        outputHeld = false;
        return was;
    }

    /**
     * A co-process ended (or could not start). Counted once: a host below a lost one sends its co-processes' ends
     * again, and a lost host's co-processes count as ended with it.
     *
     * @param host  its host's index in the launch tree
     * @param index its number among the job's co-processes on that host
     * @return whether this end is news (false: counted already)
     */
    synchronized boolean coProcessEnded(int host, int index) {
        if (host < 0 || host >= coProcessesOnHost.length || coProcessesOnHost[host] <= 0
                || !coProcessesEnded.add(host + ":" + index)) {
            return false;
        }
        coProcessesOnHost[host]--;
        coProcessesRunning--;
        return true;
    }

    /** @return whether the job outlives its console */
    boolean detached() {
        return spec.supervision().detached();
    }

    /**
     * Sends a message to the job's console, keeping it for replay if the job is detached.
     *
     * @param message what to tell the console
     */
    void send(MpdMessage message) {
        if (via != null) {
            via.send(message);
            return;
        }
        synchronized (this) {
            if (kept != null && !"job-stdin-ok".equals(message.cmd())) {
                keep(message);
            }
            if (console != null) {
                console.trySend(message);
            }
        }
    }

    private void keep(MpdMessage message) {
        if ("job-out".equals(message.cmd())) {
            long size = message.body().length;
            if (keptBytes + size > spec.supervision().keepBytes()) {
                droppedBytes += size;
                return;
            }
            keptBytes += size;
        }
        kept.add(message);
    }

    /**
     * Makes a console the job's console: it is sent {@code launched}, then every message kept so far (and, if
     * output was dropped, a {@code job-dropped} note with the byte count), then the job's messages as they come.
     *
     * @param link     the console
     * @param launched the job's description
     * @return false if the job is not detached (its console cannot change)
     */
    synchronized boolean attach(Link link, MpdMessage launched) {
        if (kept == null) {
            return false;
        }
        console = link;
        link.trySend(launched);
        for (MpdMessage message : kept) {
            link.trySend(message);
        }
        if (droppedBytes > 0) {
            link.trySend(ConsoleMessages.dropped(spec.jid(), droppedBytes));
        }
        return true;
    }

    /**
     * A console went away.
     *
     * @param link the console that closed
     * @return whether it was this job's console and the job must therefore be killed (an attached job)
     */
    synchronized boolean consoleClosed(Link link) {
        if (console != link || via != null) {
            return false;
        }
        console = null;
        return kept == null && !done;
    }

    /** @return the console of this job (or, for a spawned job, of its parent), or null */
    synchronized Link console() {
        return via != null ? via.console() : console;
    }

    /**
     * @param rank a rank
     * @param pid  its pid on its host
     */
    synchronized void pid(int rank, int pid) {
        if (rank >= 0 && rank < pids.length) {
            pids[rank] = pid;
        }
    }

    /**
     * Records a rank's end.
     *
     * @param rank   the rank
     * @param code   its exit status (128+signal when killed by one)
     * @param reason why it failed, when {@code code != 0}
     * @return what it means for the job
     */
    synchronized ExitOutcome rankExited(int rank, int code, String reason) {
        if (rank < 0 || rank >= status.length || status[rank] >= 0) {
            return ExitOutcome.IGNORED;
        }
        status[rank] = code;
        exited++;
        if (code == 0) {
            return ExitOutcome.RECORDED;
        }
        boolean othersRun = exited < status.length;
        if (spec.supervision().keepGoing()) {
            if (failureFinal) {
                return ExitOutcome.RECORDED;
            }
            worst(code, reason);
            return othersRun ? ExitOutcome.FAILED_OTHERS_GO_ON : ExitOutcome.RECORDED;
        }
        if (failure == null) {
            failure = new Ending(code, reason);
            failureFinal = true;
            return othersRun ? ExitOutcome.FIRST_FAILURE : ExitOutcome.RECORDED;
        }
        return ExitOutcome.RECORDED;
    }

    /** A keep-going job's status: the highest of its ranks' statuses, with the reason of the first that had it. */
    private void worst(int code, String reason) {
        if (failure == null || code > failure.status()) {
            failure = new Ending(code, reason);
        }
    }

    /**
     * Records a failure that is not a rank's exit (MPI_Abort, a kill request, a failed spawned job).
     *
     * @param status the job's exit status if this is its first failure
     * @param reason what happened
     * @return whether it was the first failure
     */
    synchronized boolean fail(int status, String reason) {
        if (failureFinal) {
            return false;
        }
        failure = new Ending(status, reason);
        failureFinal = true;
        return true;
    }

    /**
     * Records a lost host: its ranks that had not ended count as ended with {@link #HOST_LOST}, and its co-processes
     * as ended.
     *
     * @param host   its index in the launch tree
     * @param ranks  the ranks that were on it
     * @param reason what happened to it
     * @return whether this was the job's first failure, so the other ranks must be killed (never for a keep-going
     *         job, whose status it makes {@link #HOST_LOST} unless the job is already being ended)
     */
    synchronized boolean hostLost(int host, List<Integer> ranks, String reason) {
        coProcessesRunning = Math.max(0, coProcessesRunning - coProcessesOnHost[host]);
        coProcessesOnHost[host] = 0;
        for (int rank : ranks) {
            if (status[rank] < 0) {
                status[rank] = HOST_LOST;
                exited++;
            }
        }
        if (spec.supervision().keepGoing()) {
            if (!failureFinal) {
                worst(HOST_LOST, reason);
            }
            return false;
        }
        return fail(HOST_LOST, reason);
    }

    /**
     * @param ranks some ranks
     * @return those of them whose end is not recorded yet
     */
    synchronized List<Integer> running(List<Integer> ranks) {
        List<Integer> running = new ArrayList<>();
        for (int rank : ranks) {
            if (rank >= 0 && rank < status.length && status[rank] < 0) {
                running.add(rank);
            }
        }
        return running;
    }

    /** @return the first failure's reason, or null */
    synchronized String failureReason() {
        return failure == null ? null : failure.reason();
    }

    /**
     * Runs {@code then} once every rank has started or ended (PMIx's spawn answers only then, so that the new
     * namespace is registered wherever it has ranks before the spawner uses it), at once if they have.
     *
     * @param then what to run, on this thread or on the one that reports the last rank
     */
    void whenStarted(Runnable then) {
        boolean now;
        synchronized (this) {
            now = whenStarted == null;
            if (!now) {
                whenStarted.add(then);
            }
        }
        if (now) {
            then.run();
        } else {
            startedCheck();
        }
    }

    /** Runs what waits for every rank to have started, if they have (or the job is done). */
    void startedCheck() {
        List<Runnable> ready;
        synchronized (this) {
            if (whenStarted == null || whenStarted.isEmpty()) {
                return;
            }
            for (int rank = 0; rank < pids.length && !done; rank++) {
                if (pids[rank] == 0 && status[rank] < 0) {
                    return;
                }
            }
            ready = whenStarted;
            whenStarted = null;
        }
        ready.forEach(Runnable::run);
    }

    /** A job spawned from this one started. */
    synchronized void childStarted() {
        liveChildren++;
    }

    /**
     * A job spawned from this one ended.
     *
     * @param childJid its id
     * @param ending   how
     */
    synchronized void childEnded(String childJid, Ending ending) {
        liveChildren--;
        if (ending.reason() != null && (failure == null
                || spec.supervision().keepGoing() && !failureFinal && ending.status() > failure.status())) {
            failure = new Ending(ending.status(), "spawned job " + childJid + ": " + ending.reason());
        }
    }

    /**
     * Ends the job if every rank and co-process is accounted for and no spawned job runs; only the first call that
     * finds it so gets the ending.
     *
     * @return how it ended, or null if it has not (or was already reported)
     */
    synchronized Ending finishIfDone() {
        if (done || exited < status.length || liveChildren > 0 || coProcessesRunning > 0) {
            return null;
        }
        done = true;
        endedAtNanos = System.nanoTime();
        return failure == null ? new Ending(0, null) : failure;
    }

    /** @return whether the job has ended */
    synchronized boolean isDone() {
        return done;
    }

    /** @return when it ended ({@link System#nanoTime()}), meaningful once {@link #isDone()} */
    synchronized long endedAtNanos() {
        return endedAtNanos;
    }

    /** @return how many ranks are accounted for */
    synchronized int exitedCount() {
        return exited;
    }
}
