package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.UnixSignals;

/**
 * What a job's root does with what comes up the tree (see {@link JobTree}): passes output, pids and co-process ends
 * to the console, and keeps the count in the job's {@link JobRoot}. A rank's failure (a non-zero exit or signal)
 * or a lost host's ranks are first announced to the survivors ({@link RankLossEvents}); then the first failure —
 * or {@code MPI_Abort} — kills the other ranks (SIGTERM, SIGKILL after the grace period), unless the job is
 * keep-going, whose survivors run on (an abort still kills it). When
 * every rank and co-process is accounted for and no spawned job runs, the job ends: every host forgets it, the
 * console gets {@code job-done} (a spawned job's end goes to its parent instead), and a detached job's end is kept
 * until it is released. Thread-safe; a job's count is kept under its {@link JobRoot}'s lock.
 */
final class JobAccounting {
    /** How long a rank's exit sent straight to the root waits for the copy that follows its output up the tree. */
    static final long DIRECT_EXIT_WAIT_MILLIS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(JobAccounting.class);
    private final Ring ring;
    private final JobTable table;
    private final RankControl control;
    private final RankLossEvents events;
    private final ScheduledExecutorService timer;
    private final OutputFlow flow;

    /**
     * @param ring    the ring (this mpd's id, for logs)
     * @param table   the jobs
     * @param control kills jobs and makes every host forget them
     * @param events  tells survivors of lost ranks
     * @param timer   counts exits sent straight to the root after a while
     * @param flow    passes output to consoles, holding it while one is behind
     */
    JobAccounting(Ring ring, JobTable table, RankControl control, RankLossEvents events, ScheduledExecutorService timer,
                  OutputFlow flow) {
        this.ring = ring;
        this.table = table;
        this.control = control;
        this.events = events;
        this.timer = timer;
        this.flow = flow;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * A report reached the root of its job.
     *
     * @param job     the job, led here
     * @param message {@code job-out}, {@code job-coexit}, {@code job-spawned}, {@code job-exit},
     *                {@code job-host-failed} or {@code job-abort}
     */
    void atRoot(Job job, MpdMessage message) {
        JobRoot root = job.root;
        try {
            switch (message.cmd()) {
                case "job-out", "job-stdin-ok" -> flow.pass(job, message);
                case "job-coexit" -> {
                    if (message.get("direct") != null) {
                        // Sent again straight here by a host below a lost one: as a rank's exit is (see below).
                        later(job, message, this::coProcessExited);
                    } else {
                        coProcessExited(job, message);
                    }
                }
                case "job-spawned" -> spawnedAt(job, message);
                case "job-exit" -> {
                    if (message.get("direct") != null) {
                        // The copy a host of a job being killed also sends straight here (its parent may be gone):
                        // it counts only if the one through the tree does not come first, which the rank's last
                        // output, going the same way, precedes.
                        later(job, message, this::rankExited);
                    } else {
                        rankExited(job, message);
                    }
                }
                case "job-host-failed" -> hostFailed(job, message.require("host"), message.get("why"));
                case "job-abort" -> aborted(job, (int) message.number("rank"), (int) message.number("code"), message.get("host"));
                default -> LOG.warn("mpd {}: unexpected {} at the root of {}", selfId(), message.cmd(), job.jid());
            }
        } catch (MalformedMessageException e) {
            LOG.warn("mpd {}: malformed {} for {}: {}", selfId(), message.cmd(), job.jid(), e.getMessage());
        }
    }

    private void coProcessExited(Job job, MpdMessage coexit) throws MalformedMessageException {
        int host = job.spec.treeHosts().indexOf(coexit.require("host"));
        if (!job.root.coProcessEnded(host, (int) coexit.number("co", 0))) {
            return;
        }
        job.root.send(usageTaken(job, coexit));
        finishIfDone(job);
    }

    /**
     * A co-process's end that was the last of its job on its host carries what the job used there, as a rank's
     * would: the root counts it (and a memory limit exceeded ends the job), and the console gets the end without it.
     */
    private MpdMessage usageTaken(Job job, MpdMessage coexit) throws MalformedMessageException {
        String exceeded = coexit.get("exceeded");
        if (exceeded != null && job.root.fail(JobRoot.LIMIT_EXCEEDED, exceeded)) {
            LOG.info("mpd {}: job {}: {} on host {}; killing the job", selfId(), job.jid(), exceeded, coexit.get("host"));
            control.killJob(job, UnixSignals.TERM);
        }
        if (coexit.get("cpu") != null) {
            job.root.usage.add(coexit.number("cpu"), coexit.number("peak", 0));
        }
        String signal = coexit.get("signal");
        return ConsoleMessages.coExited(job.jid(), coexit.require("host"), (int) coexit.number("pid"),
                (int) coexit.number("status"), signal == null ? null : Integer.valueOf(signal), coexit.get("why")).build();
    }

    private void spawnedAt(Job job, MpdMessage message) {
        for (String line : new String(message.body(), StandardCharsets.UTF_8).split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length == 2 && !parts[0].equals("co")) {
                try {
                    job.root.pid(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                } catch (NumberFormatException e) {
                    LOG.warn("mpd {}: job {}: bad pid line from {}", selfId(), job.jid(), message.get("host"));
                }
            }
        }
        if (job.spec.supervision().detached()) {
            job.root.send(message);
        }
        job.root.startedCheck();
    }

    /** An end handled later, on the timer. */
    @FunctionalInterface
    private interface EndHandler {
        void handle(Job job, MpdMessage message) throws MalformedMessageException;
    }

    /** Counts, a while from now, an end sent straight here: unless the one through the tree came first. */
    private void later(Job job, MpdMessage message, EndHandler handler) {
        timer.schedule(() -> {
            try {
                handler.handle(job, message);
            } catch (MalformedMessageException | RuntimeException e) {
                LOG.warn("mpd {}: job {}: a {} could not be counted: {}", selfId(), job.jid(), message.cmd(), e.toString());
            }
        }, DIRECT_EXIT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void rankExited(Job job, MpdMessage message) throws MalformedMessageException {
        int rank = (int) message.number("rank");
        int status = (int) message.number("status");
        String host = message.get("host");
        String signal = message.get("signal");
        String why = message.get("why");
        String exceeded = message.get("exceeded");
        if (exceeded != null && job.root.fail(JobRoot.LIMIT_EXCEEDED, exceeded)) {
            LOG.info("mpd {}: job {}: {} on host {}; killing the job", selfId(), job.jid(), exceeded, host);
            control.killJob(job, UnixSignals.TERM);
        }
        String reason = status == 0 ? null : "rank " + rank + " on host " + host + (signal != null
                ? " was killed by signal " + UnixSignals.name(Integer.parseInt(signal)) + " (exit status " + status + ")"
                : " exited with status " + status) + (why != null ? ": " + why : "");
        JobRoot.ExitOutcome outcome = job.root.rankExited(rank, status, reason);
        if (outcome == JobRoot.ExitOutcome.IGNORED) {
            return; // a rank's exit counts once: a killed job's hosts send it up the tree and straight here
        }
        if (message.get("cpu") != null) {
            job.root.usage.add(message.number("cpu"), message.number("peak", 0));
        }
        job.root.send(ConsoleMessages.rankExited(job.jid(), rank, status, host, signal, message.get("pid"), why));
        if (outcome == JobRoot.ExitOutcome.FIRST_FAILURE || outcome == JobRoot.ExitOutcome.FAILED_OTHERS_GO_ON) {
            String event = signal != null ? RankLossEvents.PROC_ABORTED
                    : message.get("unfinalized") != null ? RankLossEvents.PROC_TERM_WO_SYNC : RankLossEvents.EXIT_NONZERO;
            events.announce(job, event, List.of(rank), null, reason);
        }
        if (outcome == JobRoot.ExitOutcome.FIRST_FAILURE) {
            LOG.info("mpd {}: job {}: {}; killing the other ranks", selfId(), job.jid(), reason);
            control.killJob(job, UnixSignals.TERM);
        } else if (outcome == JobRoot.ExitOutcome.FAILED_OTHERS_GO_ON) {
            LOG.info("mpd {}: job {}: {}; the other ranks go on (keep-going)", selfId(), job.jid(), reason);
        }
        finishIfDone(job);
    }

    private void aborted(Job job, int rank, int code, String host) {
        if (job.root.fail(code, "rank " + rank + " on host " + host + " called MPI_Abort with exit code " + code)) {
            LOG.info("mpd {}: job {}: {}; killing the job", selfId(), job.jid(), job.root.failureReason());
            control.killJob(job, UnixSignals.TERM);
        }
    }

    /**
     * A host of the job is lost, or could not be reached to start it: its ranks count as ended with
     * {@link JobRoot#HOST_LOST} and, if this is the first failure, the job is killed.
     *
     * @param job    the job, led here
     * @param hostId the host's mpd id (a host outside the job is ignored)
     * @param why    what happened to it, for the job's end
     */
    void hostFailed(Job job, String hostId, String why) {
        int index = job.spec.treeHosts().indexOf(hostId);
        if (index < 0) {
            return;
        }
        List<Integer> lost = job.root.running(job.spec.ranksOn(index));
        String reason = "host " + hostId + " " + why;
        events.announce(job, RankLossEvents.NODE_DOWN, lost, hostId, reason);
        if (job.root.hostLost(index, job.spec.ranksOn(index), reason)) {
            LOG.warn("mpd {}: job {}: host {} {}; ending the job", selfId(), job.jid(), hostId, why);
            control.killJob(job, UnixSignals.TERM);
        } else if (job.spec.supervision().keepGoing() && !lost.isEmpty()) {
            LOG.warn("mpd {}: job {}: host {} {}; the other ranks go on (keep-going)", selfId(), job.jid(), hostId, why);
        }
        finishIfDone(job);
    }

    private void finishIfDone(Job job) {
        job.root.startedCheck();
        JobRoot.Ending ending = job.root.finishIfDone();
        if (ending == null) {
            return;
        }
        LOG.info("mpd {}: job {} ended with status {}{}", selfId(), job.jid(), ending.status(),
                ending.reason() == null ? "" : " (" + ending.reason() + ")");
        control.forgetEverywhere(job);
        table.remove(job.jid());
        passUsage(job);
        if (job.parent != null) {
            job.parent.root.childEnded(job.jid(), ending);
            finishIfDone(job.parent);
            return;
        }
        if (job.root.detached()) {
            table.keepEnded(job);
        }
        job.root.send(ConsoleMessages.done(job.jid(), ending.status(), ending.reason(), job.root.usage));
    }

    /**
     * A job started from another — spawned, or launched by a job console — adds what it used to that job's: to the
     * spawning job's root, or to the console's job's part here, which passes it up with its last rank's end (or, if
     * that has gone up already, to that job's root when it is here).
     */
    private void passUsage(Job job) {
        if (!job.root.usage.measured()) {
            return;
        }
        if (job.parent != null) {
            job.parent.root.usage.add(job.root.usage);
            return;
        }
        Job scope = job.scopeJid == null ? null : table.get(job.scopeJid);
        if (scope == null) {
            return;
        }
        synchronized (scope) {
            if (!scope.usageSent) {
                scope.nested.add(job.root.usage);
                return;
            }
        }
        if (scope.root != null) {
            scope.root.usage.add(job.root.usage);
        } else {
            LOG.warn("mpd {}: job {} ended after the last rank of job {} here; its use is not counted in that job's",
                    selfId(), job.jid(), scope.jid());
        }
    }
}
