package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.UnixSignals;

/**
 * A root's commands to the hosts of its job, and how this mpd carries them out on its own processes of the job:
 * <ul>
 *   <li>{@code job-kill}: the signal to every local rank's process group, SIGKILL after the grace period (once the
 *       PMIx server has passed on the events about lost ranks sent before it, or 2 s);</li>
 *   <li>{@code job-signal}: a signal without escalation, to one rank or all, to the process or its whole group,
 *       answered with {@code job-signalled} (the ranks it reached) when the root gathers a report;</li>
 *   <li>{@code job-forget}: the job is over everywhere: its PMI ids and rank 0's input go, leftover co-processes
 *       are killed, and a non-root mpd forgets the job;</li>
 *   <li>{@code job-stdin}: data (or the end of it) for rank 0, on rank 0's host.</li>
 * </ul>
 * The root sends kill, signal and forget to every host directly, not down the tree, so a lost node hides none;
 * a command for the root's own host is carried out in place. A kill or forget that overtakes the job's start down
 * the tree is noted, so that the start, when it comes, does not run the job's ranks on ({@link JobTable#admit}).
 * Thread-safe.
 */
final class RankControl {
    private static final Logger LOG = LoggerFactory.getLogger(RankControl.class);
    /** How long a kill waits for the PMIx server to pass on events about lost ranks of the job, at most. */
    private static final long EVENTS_WAIT_MILLIS = 2000;
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final PmiPort pmi;
    private final SignalReports reports;
    private final ScheduledExecutorService timer;
    private final long graceMillis;

    /**
     * @param ring        the ring (this mpd, the members)
     * @param peers       connections to other mpds
     * @param table       the jobs
     * @param pmi         the PMI ids to give back when a job is forgotten
     * @param reports     signal reports gathered at a root
     * @param timer       where SIGKILL escalations and report waits are scheduled
     * @param graceMillis SIGTERM to SIGKILL delay when a {@code job-kill} names none
     */
    RankControl(Ring ring, Peers peers, JobTable table, PmiPort pmi, SignalReports reports, ScheduledExecutorService timer,
                long graceMillis) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.pmi = pmi;
        this.reports = reports;
        this.timer = timer;
        this.graceMillis = graceMillis;
    }

    private String selfId() {
        return ring.self().id();
    }

    // ---------------------------------------------------------------- at the root: commands to every host

    /**
     * Kills a job from its root: the signal to every rank now, SIGKILL after the job's grace period.
     *
     * @param job    the job
     * @param signal the first signal
     */
    void killJob(Job job, int signal) {
        broadcast(job, MpdMessage.of("job-kill").with("jid", job.jid()).with("signal", signal)
                .with("grace", job.spec.graceMillis()).build());
        // The jobs it spawned die with it: they would run on, and it, waiting for their ends, would never end.
        for (Job child : table.all()) {
            if (child.parent == job && child.root != null && !child.root.isDone()) {
                LOG.info("mpd {}: job {}: killing job {}, which it spawned", selfId(), job.jid(), child.jid());
                killJob(child, signal);
            }
        }
    }

    /** @param job a job that has ended: every host forgets it */
    void forgetEverywhere(Job job) {
        broadcast(job, MpdMessage.of("job-forget").with("jid", job.jid()).build());
    }

    /** Sends a message to every host of the job (directly, not through the tree, so a lost node does not hide any). */
    private void broadcast(Job job, MpdMessage message) {
        Membership members = ring.membership();
        for (String hostId : job.spec.treeHosts()) {
            if (hostId.equals(selfId())) {
                handleLocally(message);
            } else {
                peers.send(members, hostId, message);
            }
        }
    }

    private void handleLocally(MpdMessage message) {
        try {
            switch (message.cmd()) {
                case "job-kill" -> onKill(message);
                case "job-signal" -> onSignal(message);
                case "job-forget" -> onForget(message);
                default -> LOG.warn("mpd {}: cannot handle {} locally", selfId(), message.cmd());
            }
        } catch (MalformedMessageException e) {
            LOG.warn("mpd {}: malformed local {}: {}", selfId(), message.cmd(), e.getMessage());
        }
    }

    /**
     * Signals a job's ranks from its root ({@code sigjob}): to the host of one rank or to every host with ranks,
     * gathering a delivery report for the console when it asked for one ({@code report=}).
     *
     * @param job     the job, led here
     * @param message the request: {@code signal}, optional {@code rank}, {@code scope} and {@code report}
     * @param console who asked, or null when another mpd passed the request on (no report is then gathered)
     * @throws MalformedMessageException if the signal is missing or the rank outside the job
     */
    void signalJob(Job job, MpdMessage message, Link console) throws MalformedMessageException {
        int rank = (int) message.number("rank", -1);
        if (rank >= job.spec.size()) {
            throw new MalformedMessageException("rank " + rank + " is outside a job of " + job.spec.size());
        }
        String report = message.get("report");
        long request = table.newRequest();
        MpdMessage signal = MpdMessage.of("job-signal").with("jid", job.jid()).with("signal", message.number("signal"))
                .with("rank", rank < 0 ? null : rank).with("scope", message.get("scope"))
                .with("req", report == null ? null : request).with("root", selfId()).build();
        List<String> hosts = new ArrayList<>();
        if (rank >= 0) {
            hosts.add(job.spec.treeHosts().get(job.spec.rankHost()[rank]));
        } else {
            for (int index = 0; index < job.spec.treeHosts().size(); index++) {
                if (!job.spec.ranksOn(index).isEmpty()) {
                    hosts.add(job.spec.treeHosts().get(index));
                }
            }
        }
        SignalReport pending = null;
        if (report != null && console != null) {
            Map<String, List<Integer>> ranksByHost = new LinkedHashMap<>();
            for (String host : hosts) {
                List<Integer> ranks = rank >= 0 ? List.of(rank) : job.spec.ranksOn(job.spec.treeHosts().indexOf(host));
                ranksByHost.put(host, ranks);
            }
            pending = new SignalReport(request, report, job.jid(), console, ranksByHost);
            reports.expect(pending);
        }
        Membership members = ring.membership();
        for (String host : hosts) {
            if (host.equals(selfId())) {
                onSignal(signal);
            } else if (!peers.send(members, host, signal) && pending != null) {
                reports.unreachable(pending, host);
            }
        }
    }

    // ---------------------------------------------------------------- on every host: carrying them out

    /**
     * Handles {@code job-kill}: the signal to each local rank's group, SIGKILL after the grace period.
     *
     * @param message the command
     * @throws MalformedMessageException if fields are missing
     */
    void onKill(MpdMessage message) throws MalformedMessageException {
        Job job = table.stopping(message.require("jid"), false);
        if (job == null) {
            return;
        }
        job.stopping = true;
        int signal = (int) message.number("signal");
        long grace = message.number("grace", graceMillis);
        Runnable kill = () -> {
            for (LocalRank local : job.ranks.values()) {
                terminate(local, signal, grace);
            }
        };
        CompletableFuture<?> events = job.pmixEvents;
        if (events.isDone()) {
            kill.run();
            return;
        }
        // The survivors are told of a loss before they are killed: the kill waits for the PMIx server, briefly.
        CompletableFuture<Object> told = new CompletableFuture<>();
        events.whenComplete((result, failure) -> told.complete(null));
        told.completeOnTimeout(null, EVENTS_WAIT_MILLIS, TimeUnit.MILLISECONDS).thenRun(kill);
    }

    /**
     * Sends a signal to a process's group and, unless it is SIGKILL, SIGKILL after the grace period if the process
     * has not exited by then. Once per process: a second call before the escalation does not postpone it.
     *
     * @param local  a rank or co-process of this mpd
     * @param signal the first signal
     * @param grace  milliseconds until SIGKILL
     */
    void terminate(LocalRank local, int signal, long grace) {
        synchronized (local) {
            if (local.doom() <= 0) {
                return;
            }
            Posix.kill(-local.pid, signal);
            if (signal != UnixSignals.KILL && local.killTimer == null) {
                local.killTimer = timer.schedule(() -> escalate(local), grace, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * A rank (or co-process) being terminated has exited, and is not reaped yet: the members of its process group
     * that outlived the first signal (a child that ignores SIGTERM under a shell that did not) are killed now. The
     * escalation timer is cancelled with the exit, and once the leader is reaped its group id could name another
     * process's group; while it is a zombie it cannot. From here on its pid is not signalled.
     *
     * @param local the rank, exited but not reaped
     */
    void killLeftovers(LocalRank local) {
        synchronized (local) {
            if (local.killTimer != null) {
                escalate(local);
            }
            local.reaped = true;
        }
    }

    private void escalate(LocalRank local) {
        synchronized (local) {
            if (local.signallable()) {
                Posix.kill(-local.pid, UnixSignals.KILL);
            }
        }
    }

    /**
     * Signals this mpd's ranks of a job (and, for SIGKILL to all, its co-processes).
     *
     * @param job    the job
     * @param signal the signal
     * @param rank   one rank, or -1 for all
     * @param group  whether to signal each rank's process group (the rank and everything it started) or just it
     * @return the ranks signalled (the others had ended)
     */
    List<Integer> killLocal(Job job, int signal, int rank, boolean group) {
        List<Integer> delivered = new ArrayList<>();
        boolean wholeJob = rank < 0 && signal == UnixSignals.KILL;
        if (wholeJob) {
            job.stopping = true; // ranks not yet spawned are not started (their root is lost, or the mpd is leaving)
        }
        for (LocalRank local : job.ranks.values()) {
            if (rank >= 0 && local.rank != rank) {
                continue;
            }
            synchronized (local) {
                if (wholeJob && local.pid <= 0) {
                    local.doom(); // being started: killed as soon as it has its pid, as a kill's are
                } else if (local.signallable() && Posix.kill(group ? -local.pid : local.pid, signal) == 0) {
                    delivered.add(local.rank);
                }
            }
        }
        if (rank < 0) {
            for (LocalRank co : job.coProcesses) {
                synchronized (co) {
                    if (signal == UnixSignals.KILL && co.signallable()) {
                        Posix.kill(-co.pid, signal);
                    }
                }
            }
        }
        return delivered;
    }

    /**
     * Handles {@code job-signal}: delivers a signal to local ranks, without escalation, reporting if asked.
     *
     * @param message the command
     * @throws MalformedMessageException if fields are missing
     */
    void onSignal(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        int rank = (int) message.number("rank", -1);
        List<Integer> delivered = job == null ? List.of()
                : killLocal(job, (int) message.number("signal"), rank, !"single".equals(message.get("scope")));
        String request = message.get("req");
        if (request == null) {
            return;
        }
        MpdMessage report = MpdMessage.of("job-signalled").with("req", request).with("host", selfId())
                .with("delivered", join(delivered)).build();
        String rootId = message.require("root");
        if (rootId.equals(selfId())) {
            reports.onSignalled(report);
        } else {
            peers.send(ring.membership(), rootId, report);
        }
    }

    private static String join(List<Integer> ranks) {
        StringBuilder text = new StringBuilder();
        for (int rank : ranks) {
            text.append(text.isEmpty() ? "" : ",").append(rank);
        }
        return text.toString();
    }

    /**
     * Handles {@code job-forget}: the job is over everywhere.
     *
     * @param message the command
     * @throws MalformedMessageException if the jid is missing
     */
    void onForget(MpdMessage message) throws MalformedMessageException {
        Job job = table.stopping(message.require("jid"), true);
        if (job == null) {
            return;
        }
        job.stopping = true;
        if (job.root == null) {
            table.remove(job);
        }
        for (LocalRank local : job.ranks.values()) {
            local.doom();
            pmi.release(local.pmiid);
            if (local.stdin != null) {
                local.stdin.close();
            }
        }
        for (LocalRank co : job.coProcesses) {
            synchronized (co) {
                if (co.signallable()) {
                    Posix.kill(-co.pid, UnixSignals.KILL);
                }
            }
        }
    }

    /**
     * Handles {@code job-stdin} on the host of rank 0.
     *
     * @param message the data as its body; {@code eof=1} closes rank 0's input after it
     * @throws MalformedMessageException if the jid is missing
     */
    void onStdin(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        LocalRank rank0 = job == null ? null : job.ranks.get(0);
        if (rank0 == null || rank0.stdin == null) {
            return;
        }
        if (message.body().length > 0) {
            rank0.stdin.write(message.body());
        }
        if ("1".equals(message.get("eof"))) {
            rank0.stdin.close();
        }
    }
}
