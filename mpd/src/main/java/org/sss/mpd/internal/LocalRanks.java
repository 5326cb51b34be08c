package org.sss.mpd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.UnixSignals;

/**
 * This mpd's processes of a job: its ranks, each spawned in its own session with the job's variables (PMI's,
 * {@code MPD_*}, the job console key), and after them one co-process per rank set that asks for one, with the
 * set's local ranks and pids in {@code SSS_RANKS} and {@code SSS_PIDS}. Their output goes up the tree as it is
 * read, and each one's end is reported once: a rank that exits with PMI initialised and not finalised has failed,
 * and a rank that cannot be started is reported as exited with {@value #CANNOT_EXECUTE} with the reason on its
 * standard error. When the last local rank has exited the co-processes get SIGTERM. Thread-safe.
 */
final class LocalRanks {
    /** Exit status of a process that could not be started (as a shell reports a command it cannot run). */
    static final int CANNOT_EXECUTE = 127;
    private static final Logger LOG = LoggerFactory.getLogger(LocalRanks.class);
    private final Ring ring;
    private final JobTable table;
    private final JobTree tree;
    private final RankControl control;
    private final PmiPort pmi;
    private final RankLauncher launcher;
    private final ProcessReactor reactor;
    private final JobConsoles consoles;
    private final PmixJobs pmix;
    private final JobCgroups cgroups;

    /**
     * @param ring     the ring (this mpd: its id, host and console address)
     * @param table    the jobs
     * @param tree     where output and exits go
     * @param control  terminates co-processes once the ranks are done
     * @param pmi      hands out PMI ids
     * @param launcher spawns the processes
     * @param reactor  watches them
     * @param consoles the job console keys ranks get
     * @param pmix     registers jobs with this mpd's PMIx server
     * @param cgroups  this host's control groups of confined jobs
     */
    LocalRanks(Ring ring, JobTable table, JobTree tree, RankControl control, PmiPort pmi, RankLauncher launcher,
               ProcessReactor reactor, JobConsoles consoles, PmixJobs pmix, JobCgroups cgroups) {
        this.ring = ring;
        this.table = table;
        this.tree = tree;
        this.control = control;
        this.pmi = pmi;
        this.launcher = launcher;
        this.reactor = reactor;
        this.consoles = consoles;
        this.pmix = pmix;
        this.cgroups = cgroups;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * Starts this mpd's ranks of a job, then its co-processes.
     *
     * @param job this mpd's part of the job
     * @return a line per process started: {@code RANK PID} (pid 0 if it could not start) and {@code co PID}
     */
    String start(Job job) {
        JobSpec spec = job.spec;
        long begin = System.nanoTime();
        PmixJobs.Served served = pmix.register(job);
        long registered = System.nanoTime();
        if (served.problem() != null && spec.pmi() != PmiMode.PMIX) {
            LOG.warn("mpd {}: job {}: its ranks here get PMI-1 only: {}", selfId(), spec.jid(), served.problem());
        }
        Map<JobSpec.RankSet, RankLauncher.Launchable> launchables = new LinkedHashMap<>();
        Map<JobSpec.RankSet, Integer> uids = new HashMap<>();
        StringBuilder spawned = new StringBuilder();
        List<Integer> here = spec.ranksOn(job.index);
        synchronized (job) {
            job.coProcessesStarting = here.stream().anyMatch(rank -> !spec.setOf(rank).coProcess().isEmpty());
        }
        try {
            JobCgroups.Entered confined = here.isEmpty() ? JobCgroups.Entered.NONE : cgroups.enter(job);
            if (confined.notice() != null) {
                rankOutput(job, here.getFirst(), 2, confined.notice().getBytes(StandardCharsets.UTF_8));
            }
            for (int rank : here) {
                RankLauncher.Launchable launchable = launchables.computeIfAbsent(spec.setOf(rank),
                        set -> launcher.ranks(spec, set, confined));
                int uid = uids.computeIfAbsent(spec.setOf(rank), launcher::uidOf);
                int pid = spawn(job, rank, launchable, uid, served);
                spawned.append(rank).append(' ').append(pid).append('\n');
            }
            startCoProcesses(job, spawned, confined);
        } finally {
            coProcessesStarted(job); // even after a failure: the job must still be retired here
        }
        LOG.debug("mpd {}: job {}: local ranks started in {} us after {} us of PMIx registration", selfId(), spec.jid(),
                (System.nanoTime() - registered) / 1000, (registered - begin) / 1000);
        return spawned.toString();
    }

    /**
     * Spawns one rank with its variables: PMI-1's and PMIx's as the job's mode and this host's PMIx server allow.
     * Returns its pid, or 0 if it could not be started (its failure is already reported). {@code uid} is the user
     * it runs as: only that user's (or root's) connections may speak for it at the PMI port.
     */
    private int spawn(Job job, int rank, RankLauncher.Launchable launchable, int uid, PmixJobs.Served served) {
        JobSpec spec = job.spec;
        LocalRank local = new LocalRank(rank);
        List<String> own = new ArrayList<>(32);
        own.add("PMI_RANK=" + rank);
        own.add("PMI_SIZE=" + spec.size());
        own.add("MPD_JID=" + spec.jid());
        own.add("MPD_JRANK=" + rank);
        own.add("MPD_JSIZE=" + spec.size());
        own.add("MPD_HOST=" + ring.self().host());
        if (spec.pmi().servesPmi1()) {
            int pmiid = pmi.register(job.pmi, rank, uid);
            local.pmiid = pmiid;
            own.add("PMI_PORT=" + pmi.port());
            own.add("PMI_ID=" + pmiid);
        }
        own.addAll(served.env().getOrDefault(rank, List.of()));
        own.add("MPD_CONSOLE=" + ring.self().endpoint().host() + ":" + ring.self().endpoint().port());
        own.add("MPD_JOB_KEY=" + consoles.keyFor(spec.jid(), spec.setOf(rank).runAs()));
        if (spec.spawned()) {
            own.add("PMI_SPAWNED=1");
        }
        job.ranks.put(rank, local);
        if (job.stopping) {
            local.doom();
        }
        Posix.Spawned spawned;
        try {
            if (spec.pmi() == PmiMode.PMIX && served.problem() != null) {
                throw new IOException("the job asks for PMIx only, and " + served.problem());
            }
            spawned = launcher.spawn(launchable, served.defaults(), own);
        } catch (IOException e) {
            String exec = spec.setOf(rank).exec();
            String text = "mpd " + selfId() + ": rank " + rank + ": cannot execute " + exec + ": " + e.getMessage() + "\n";
            rankOutput(job, rank, 2, text.getBytes(StandardCharsets.UTF_8));
            exited(job, local, CANNOT_EXECUTE << 8, "cannot execute " + exec + ": " + e.getMessage());
            return 0;
        }
        boolean doomed = local.started(spawned.pid());
        if (rank == 0) {
            local.stdin = new StdinWriter(spec.jid(), spawned.stdin(),
                    total -> tree.sendUp(job, ConsoleMessages.stdinTaken(spec.jid(), total)));
        } else {
            Posix.close(spawned.stdin());
        }
        watch(job, spawned, local, data -> rankOutput(job, rank, data.stream(), data.bytes()),
                status -> exited(job, local, status, null));
        if (doomed) {
            // Its job was killed while it was being started: it must not run on, unwatched by its job.
            LOG.info("mpd {}: job {} rank {}: killed as it started (its job was killed meanwhile)", selfId(), spec.jid(), rank);
            Posix.kill(-spawned.pid(), UnixSignals.KILL);
        }
        return spawned.pid();
    }

    private record Chunk(int stream, byte[] bytes) {
    }

    private void watch(Job job, Posix.Spawned spawned, LocalRank local, Consumer<Chunk> output, IntConsumer exit) {
        try {
            reactor.watch(spawned, new ProcessReactor.Watcher() {
                @Override
                public void output(int stream, byte[] data) {
                    output.accept(new Chunk(stream, data));
                }

                @Override
                public boolean held() {
                    return job.outputHeld;
                }

                @Override
                public void beforeReap() {
                    control.killLeftovers(local);
                }

                @Override
                public void exited(int waitStatus) {
                    exit.accept(waitStatus);
                }
            });
        } catch (IOException e) {
            // No pidfd (out of descriptors): the process cannot be watched. It is killed, its pipes closed and it is
            // reaped, so it leaves neither open descriptors nor a zombie behind.
            LOG.warn("mpd {}: job {}: pid {} cannot be watched ({}); killed", selfId(), job.jid(), spawned.pid(),
                    e.getMessage());
            Posix.kill(-spawned.pid(), UnixSignals.KILL);
            Posix.close(spawned.stdout());
            Posix.close(spawned.stderr());
            // A platform thread: the wait blocks in the kernel, which would pin a virtual thread's carrier.
            Thread.ofPlatform().daemon().name("mpd-reap-" + spawned.pid()).start(() -> {
                try {
                    Posix.awaitExit(spawned.pid());
                } catch (IOException reapFailed) {
                    LOG.warn("mpd {}: pid {} could not be reaped: {}", selfId(), spawned.pid(), reapFailed.getMessage());
                }
            });
            exit.accept(CANNOT_EXECUTE << 8);
        }
    }

    private void rankOutput(Job job, int rank, int stream, byte[] data) {
        if ("discard".equals(job.spec.output())) {
            return;
        }
        tree.sendUp(job, ConsoleMessages.rankOutput(job.jid(), rank, stream, data));
    }

    /**
     * A local rank ended (or could not start, or a singleton's program went away): reported up the tree once.
     *
     * @param job        this mpd's part of the job
     * @param local      the rank
     * @param waitStatus its raw wait status
     * @param reason     why, when the status alone does not say it; null otherwise
     */
    void exited(Job job, LocalRank local, int waitStatus, String reason) {
        String why = reason;
        synchronized (local) {
            if (local.exited) {
                return;
            }
            local.exited = true;
            local.waitStatus = waitStatus;
            if (local.killTimer != null) {
                local.killTimer.cancel(false);
            }
        }
        if (local.stdin != null) {
            local.stdin.close();
        }
        pmi.release(local.pmiid);
        int code = Posix.exitCode(waitStatus);
        boolean unfinalized = false;
        if (local.session != null && local.session.active()) {
            why = why != null ? why : "exited without calling MPI_Finalize (its PMI connection was still open)";
            code = code == 0 ? 1 : code;
            unfinalized = true;
        } else if (local.pmix == LocalRank.PMIX_CONNECTED) {
            why = why != null ? why : "exited without calling MPI_Finalize (it had not called PMIx_Finalize)";
            code = code == 0 ? 1 : code;
            unfinalized = true;
        }
        int signal = Posix.termSignal(waitStatus);
        if (why == null && signal == UnixSignals.KILL) {
            why = cgroups.memoryExceeded(job);
        }
        MpdMessage.Builder exit = MpdMessage.of("job-exit").with("jid", job.jid()).with("rank", local.rank)
                .with("status", code).with("signal", signal == 0 ? null : signal).with("host", selfId())
                .with("pid", local.pid).with("why", why).with("unfinalized", unfinalized ? 1 : null);
        boolean last = job.allLocalRanksEnded();
        if (last && claimUsage(job)) {
            // The control group is emptied and removed, which may take seconds (a process in D state): not on the
            // process reactor's thread, which every job's output here goes through.
            Thread.ofVirtual().name("mpd-retire-" + job.jid()).start(() -> {
                addUsage(job, exit);
                reportExit(job, local, exit.build(), true);
            });
        } else {
            reportExit(job, local, exit.build(), last);
        }
        if (!job.coProcesses.isEmpty() && job.localRanksDone()) {
            for (LocalRank co : job.coProcesses) {
                control.terminate(co, UnixSignals.TERM, job.spec.graceMillis());
            }
        }
    }

    private void reportExit(Job job, LocalRank local, MpdMessage report, boolean last) {
        local.exitReport = report;
        tree.sendExitUp(job, report);
        if (last) {
            pmix.ended(job);
        }
    }

    /**
     * Whether this end — of the job's last local rank, or of its last co-process after that — is the one that
     * retires the job here and carries what it used; true once per job, when every local rank and co-process has
     * ended. Co-processes outlive the ranks by their grace period (SIGTERM first): the group is not killed under
     * them.
     */
    private static boolean claimUsage(Job job) {
        synchronized (job) {
            if (job.usageSent || job.coProcessesStarting || !job.allLocalRanksEnded()) {
                return false;
            }
            for (LocalRank co : job.coProcesses) {
                synchronized (co) {
                    if (!co.exited) {
                        return false;
                    }
                }
            }
            job.usageSent = true;
            return true;
        }
    }

    /**
     * The job has nothing left running here ({@link #claimUsage}): its control group here is emptied and removed (if
     * no other job of its confinement still runs here), and what it used — with what the jobs started from this part
     * used — goes up with the end that claimed it.
     */
    private void addUsage(Job job, MpdMessage.Builder exit) {
        JobCgroups.Left left = cgroups.leave(job);
        UsageTally total = new UsageTally();
        if (left != null) {
            total.add(left.usage().cpuNanos(), left.usage().peakBytes());
            exit.with("exceeded", left.exceeded());
        }
        total.add(job.nested);
        if (total.measured()) {
            exit.with("cpu", total.cpuNanos()).with("peak", total.peakBytes());
        }
    }

    // ---------------------------------------------------------------- co-processes

    private void startCoProcesses(Job job, StringBuilder spawned, JobCgroups.Entered confined) {
        JobSpec spec = job.spec;
        Map<JobSpec.RankSet, List<Integer>> bySet = new LinkedHashMap<>();
        for (int rank : spec.ranksOn(job.index)) {
            JobSpec.RankSet set = spec.setOf(rank);
            if (!set.coProcess().isEmpty()) {
                bySet.computeIfAbsent(set, s -> new ArrayList<>()).add(rank);
            }
        }
        bySet.forEach((set, ranks) -> {
            StringBuilder rankList = new StringBuilder();
            StringBuilder pidList = new StringBuilder();
            for (int rank : ranks) {
                LocalRank local = job.ranks.get(rank);
                rankList.append(rankList.isEmpty() ? "" : " ").append(rank);
                pidList.append(pidList.isEmpty() ? "" : " ").append(local == null ? 0 : local.pid);
            }
            LocalRank co = new LocalRank(-1);
            job.coProcesses.add(co);
            List<String> own = List.of("SSS_JOB=" + spec.jid(), "MPD_JID=" + spec.jid(), "SSS_HOST=" + ring.self().host(),
                    "SSS_RANKS=" + rankList, "SSS_PIDS=" + pidList);
            try {
                Posix.Spawned process = launcher.spawn(launcher.coProcess(spec, set, confined), own);
                Posix.close(process.stdin());
                synchronized (co) {
                    co.pid = process.pid();
                }
                spawned.append("co ").append(process.pid()).append('\n');
                watch(job, process, co, data -> coOutput(job, data), status -> coExit(job, co, status, null));
                LOG.info("mpd {}: job {}: co-process {} (pid {}) for ranks {}", selfId(), spec.jid(), set.coProcess(),
                        process.pid(), rankList);
            } catch (IOException e) {
                coExit(job, co, CANNOT_EXECUTE << 8, "cannot execute co-process " + set.coProcess() + ": " + e.getMessage());
            }
        });
        if (!job.coProcesses.isEmpty() && job.localRanksDone()) {
            for (LocalRank co : job.coProcesses) {
                control.terminate(co, UnixSignals.TERM, spec.graceMillis());
            }
        }
    }

    /** The job's co-processes here are started (or could not be): their ends that came meanwhile are told now. */
    private void coProcessesStarted(Job job) {
        List<Runnable> held;
        synchronized (job) {
            job.coProcessesStarting = false;
            held = List.copyOf(job.heldCoExits);
            job.heldCoExits.clear();
        }
        held.forEach(Runnable::run);
    }

    private void coOutput(Job job, Chunk data) {
        if (!"discard".equals(job.spec.output())) {
            tree.sendUp(job, ConsoleMessages.coOutput(job.jid(), selfId(), data.stream(), data.bytes()));
        }
    }

    private void coExit(Job job, LocalRank co, int waitStatus, String why) {
        synchronized (co) {
            if (co.exited) {
                return;
            }
            co.exited = true;
            if (co.killTimer != null) {
                co.killTimer.cancel(false);
            }
        }
        if (why != null) {
            LOG.warn("mpd {}: job {}: {}", selfId(), job.jid(), why);
        }
        int signal = Posix.termSignal(waitStatus);
        MpdMessage.Builder coexit = ConsoleMessages.coExited(job.jid(), selfId(), co.pid, Posix.exitCode(waitStatus),
                signal == 0 ? null : signal, why).with("co", job.coProcesses.indexOf(co));
        synchronized (job) {
            if (job.coProcessesStarting) {
                // Told once all are started: the last end must know of every co-process to retire the job here.
                job.heldCoExits.add(() -> reportCoExit(job, co, coexit));
                return;
            }
        }
        reportCoExit(job, co, coexit);
    }

    private void reportCoExit(Job job, LocalRank co, MpdMessage.Builder coexit) {
        if (claimUsage(job)) {
            Thread.ofVirtual().name("mpd-retire-" + job.jid()).start(() -> {
                addUsage(job, coexit);
                sendCoExit(job, co, coexit.build());
            });
        } else {
            sendCoExit(job, co, coexit.build());
        }
    }

    private void sendCoExit(Job job, LocalRank co, MpdMessage report) {
        co.exitReport = report;
        tree.sendUp(job, report);
    }

    /** @return one line per running local rank: {@code jid rank pid user exec} */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Job job : table.all()) {
            for (LocalRank local : job.ranks.values()) {
                if (!local.exited) {
                    lines.add(job.jid() + " " + local.rank + " " + local.pid + " " + job.spec.user() + " "
                            + job.spec.setOf(local.rank).exec());
                }
            }
        }
        return lines;
    }
}
