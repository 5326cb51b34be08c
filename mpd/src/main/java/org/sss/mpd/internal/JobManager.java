package org.sss.mpd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.UnixSignals;
import org.sss.mpd.internal.pmi.JobKvs;
import org.sss.mpd.internal.pmi.PmiJob;
import org.sss.mpd.internal.pmi.PmiServer;
import org.sss.mpd.internal.pmi.PmiSession;
import org.sss.mpd.internal.pmi.SpawnRequest;

/**
 * The jobs an mpd takes part in.
 *
 * <p>The mpd a console (mpiexec, the process manager) launches a job through is the job's root: it places the
 * ranks, assigns the job id and sends {@code job-start} to its children in a k-ary tree over the job's hosts; every
 * mpd forwards to its own children first and then spawns its local ranks, each in its own session. Output and exits
 * travel back up the tree to the root, which passes them to the console as they come and keeps the count (see
 * {@link JobRoot}). The first rank to fail (non-zero exit or a signal) makes the root kill the job: SIGTERM to every
 * rank's process group, SIGKILL after the grace period. A lost host ends its jobs with a message naming it. When
 * every rank is accounted for, the root tells the console how the job ended and every mpd forgets it.
 *
 * <p>A detached job (the process manager's) survives its console: the root reports every rank's pid, keeps what it
 * sent, replays it to a console that {@code attach}es, and keeps the job's end until the console {@code release}s
 * it (or for the configured time). Its rank sets may name a user, resource limits and a co-process (started once per
 * host after the set's local ranks, with their pids in {@code SSS_PIDS}). UnixSignals can be delivered to one rank or
 * all, to the top process or its whole process group, with a per-rank report of delivery.
 *
 * <p>Ranks find the mpd's PMI server through {@code PMI_PORT} and {@code PMI_ID}; a job's key-value space is kept
 * per mpd and merged at each fence over the same tree (see {@link JobKvs}). A rank that calls {@code MPI_Abort}, or
 * exits with PMI initialised and not finalised, ends its job. {@code MPI_Comm_spawn} starts a child job through the
 * parent's root, reporting to the parent's console; the parent's end waits for its children. Thread-safe.
 */
public final class JobManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);
    /** Exit status of a job whose host was lost. */
    public static final int HOST_LOST = JobRoot.HOST_LOST;
    /** Exit status of a rank that could not be started (as a shell reports a command it cannot run). */
    public static final int CANNOT_EXECUTE = 127;
    /** How long the root waits for hosts to report a signal's delivery. */
    private static final long SIGNAL_REPORT_MILLIS = 5000;

    private final Ring ring;
    private final Peers peers;
    private final ProcessReactor reactor;
    private final RankLauncher launcher;
    private final int fanout;
    private final long graceMillis;
    private final Duration keepEnded;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final JobConsoles consoles;
    private final Map<String, Job> ended = new ConcurrentHashMap<>();
    private final AtomicLong nextJob = new AtomicLong(1);
    /** Draws {@code PMI_ID}s: a rank names itself by one, so another local user must not be able to guess it. */
    private final java.security.SecureRandom pmiIdSource = new java.security.SecureRandom();
    private final Map<Integer, PmiSession.Binding> pmiIds = new ConcurrentHashMap<>();
    private final AtomicLong nextRequest = new AtomicLong(1);
    private final Map<Long, IntConsumer> pendingSpawns = new ConcurrentHashMap<>();
    private final Map<Long, SignalReport> pendingSignals = new ConcurrentHashMap<>();
    private final PmiServer pmi;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mpd-jobs").factory());

    /**
     * @param ring        the ring (membership, this mpd)
     * @param peers       connections to other mpds
     * @param reactor     watches local ranks
     * @param launcher    spawns local ranks
     * @param fanout      children per tree node
     * @param graceMillis SIGTERM to SIGKILL delay
     * @param keepEnded   how long the end of a detached job is kept when no console releases it
     * @param consoles    the job console keys given to ranks and accepted from consoles
     * @throws IOException if the PMI port cannot be bound
     */
    public JobManager(Ring ring, Peers peers, ProcessReactor reactor, RankLauncher launcher, int fanout, long graceMillis,
                      Duration keepEnded, JobConsoles consoles) throws IOException {
        this.consoles = consoles;
        this.ring = ring;
        this.peers = peers;
        this.reactor = reactor;
        this.launcher = launcher;
        this.fanout = fanout;
        this.graceMillis = graceMillis;
        this.keepEnded = keepEnded;
        this.pmi = new PmiServer(ring.self().endpoint().host(), id -> Optional.ofNullable(pmiIds.get(id)), this::pmiEnded);
        long sweep = Math.max(1000, Math.min(60_000, keepEnded.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::expireEnded, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    /** @return the PMI port ranks are given ({@code addr:port}) */
    public String pmiPort() {
        return pmi.port();
    }

    private String selfId() {
        return ring.self().id();
    }

    private Job newJob(JobSpec spec, int index) {
        Job job = new Job(spec, index);
        job.pmi = new JobPmi(job);
        return job;
    }

    // ---------------------------------------------------------------- root: launch from a console

    /** Handles {@code launch} from a console: places the job and starts it down the tree. */
    public void launch(Link console, MpdMessage message) throws MalformedMessageException {
        JobSpec request = JobSpecCodec.decode(message.body());
        Placement placement;
        try {
            if (console.scope().isPresent()) {
                request = JobConsoles.confine(request, console.scope().get());
            }
            placement = Placement.of(request, ring.membership(), selfId());
        } catch (IllegalArgumentException e) {
            console.trySend(MpdMessage.of("error").with("msg", e.getMessage()).build());
            return;
        }
        String jid = nextJob.getAndIncrement() + "@" + selfId();
        long grace = request.graceMillis() > 0 ? request.graceMillis() : graceMillis;
        JobSpec spec = request.placed(jid, placement.tree(), placement.rankHost(), fanout, grace);
        Job job = newJob(spec, 0);
        job.root = new JobRoot(spec, console, null);
        jobs.put(jid, job);
        LOG.info("mpd {}: job {}{} of {} ranks on {} hosts from {} ({})", selfId(), jid,
                spec.supervision().detached() ? " (detached, " + spec.supervision().tag() + ")" : "", spec.size(),
                spec.treeHosts().size(), console.describe(), spec.sets().getFirst().exec());
        console.trySend(launched(spec));
        start(job);
    }

    private static MpdMessage launched(JobSpec spec) {
        return MpdMessage.of("job-launched").with("jid", spec.jid()).with("size", spec.size())
                .with("hosts", String.join(",", spec.treeHosts()))
                .with("tag", spec.supervision().detached() ? spec.supervision().tag() : null)
                .with("place", spec.supervision().detached() ? String.join(",", placedHosts(spec)) : null).build();
    }

    private static List<String> placedHosts(JobSpec spec) {
        List<String> hosts = new ArrayList<>(spec.size());
        for (int host : spec.rankHost()) {
            hosts.add(spec.treeHosts().get(host));
        }
        return hosts;
    }

    // ---------------------------------------------------------------- every mpd: start its part

    /** Handles {@code job-start} from the parent. */
    public void onStart(MpdMessage message) throws MalformedMessageException {
        JobSpec spec = JobSpecCodec.decode(message.body());
        int index = spec.treeHosts().indexOf(selfId());
        if (index < 0) {
            throw new MalformedMessageException("job-start for a job that does not include this mpd");
        }
        Job job = newJob(spec, index);
        if (jobs.putIfAbsent(spec.jid(), job) != null) {
            return;
        }
        start(job);
    }

    private void start(Job job) {
        JobSpec spec = job.spec;
        MpdMessage forward = MpdMessage.of("job-start").with("jid", spec.jid()).body(JobSpecCodec.encode(spec)).build();
        for (int child : spec.childrenOf(job.index)) {
            String childId = spec.treeHosts().get(child);
            Member member = ring.membership().member(childId).orElse(null);
            if (member == null || !peers.send(member, forward)) {
                failHost(job, childId, "could not be reached to start the job");
            }
        }
        Map<JobSpec.RankSet, RankLauncher.Launchable> launchables = new LinkedHashMap<>();
        StringBuilder spawned = new StringBuilder();
        for (int rank : spec.ranksOn(job.index)) {
            RankLauncher.Launchable launchable = launchables.computeIfAbsent(spec.setOf(rank), set -> launcher.ranks(spec, set));
            int pid = spawn(job, rank, launchable);
            spawned.append(rank).append(' ').append(pid).append('\n');
        }
        startCoProcesses(job, spawned);
        if (spec.supervision().detached() && !spec.ranksOn(job.index).isEmpty()) {
            sendUp(job, MpdMessage.of("job-spawned").with("jid", spec.jid()).with("host", selfId())
                    .body(spawned.toString().getBytes(StandardCharsets.UTF_8)).build());
        }
    }

    private void failHost(Job job, String hostId, String why) {
        LOG.warn("mpd {}: job {}: host {} {}", selfId(), job.jid(), hostId, why);
        sendUp(job, MpdMessage.of("job-host-failed").with("jid", job.jid()).with("host", hostId).with("why", why).build());
    }

    /** Spawns one rank; returns its pid, or 0 if it could not be started (its failure is already reported). */
    private int spawn(Job job, int rank, RankLauncher.Launchable launchable) {
        JobSpec spec = job.spec;
        LocalRank local = new LocalRank(rank);
        PmiSession.Binding binding = new PmiSession.Binding(job.pmi, rank);
        int pmiid;
        do {
            pmiid = 1 + pmiIdSource.nextInt(Integer.MAX_VALUE - 1);
        } while (pmiIds.putIfAbsent(pmiid, binding) != null);
        local.pmiid = pmiid;
        List<String> own = new ArrayList<>(10);
        own.add("PMI_RANK=" + rank);
        own.add("PMI_SIZE=" + spec.size());
        own.add("MPD_JID=" + spec.jid());
        own.add("MPD_JRANK=" + rank);
        own.add("MPD_JSIZE=" + spec.size());
        own.add("MPD_HOST=" + ring.self().host());
        own.add("PMI_PORT=" + pmi.port());
        own.add("PMI_ID=" + pmiid);
        own.add("MPD_CONSOLE=" + ring.self().endpoint().host() + ":" + ring.self().endpoint().port());
        own.add("MPD_JOB_KEY=" + consoles.keyFor(spec.jid(), spec.setOf(rank).runAs()));
        if (spec.spawned()) {
            own.add("PMI_SPAWNED=1");
        }
        job.ranks.put(rank, local);
        Posix.Spawned spawned;
        try {
            spawned = launcher.spawn(launchable, own);
        } catch (IOException e) {
            String exec = spec.setOf(rank).exec();
            String text = "mpd " + selfId() + ": rank " + rank + ": cannot execute " + exec + ": " + e.getMessage() + "\n";
            rankOutput(job, rank, 2, text.getBytes(StandardCharsets.UTF_8));
            localExit(job, local, CANNOT_EXECUTE << 8, "cannot execute " + exec + ": " + e.getMessage());
            return 0;
        }
        synchronized (local) {
            local.pid = spawned.pid();
        }
        if (rank == 0) {
            local.stdin = new StdinWriter(spec.jid(), spawned.stdin());
        } else {
            Posix.close(spawned.stdin());
        }
        watch(spawned, local, data -> rankOutput(job, rank, data.stream(), data.bytes()), status -> localExit(job, local, status, null));
        return spawned.pid();
    }

    private record Chunk(int stream, byte[] bytes) {
    }

    private void watch(Posix.Spawned spawned, LocalRank local, java.util.function.Consumer<Chunk> output, IntConsumer exit) {
        try {
            reactor.watch(spawned, new ProcessReactor.Watcher() {
                @Override
                public void output(int stream, byte[] data) {
                    output.accept(new Chunk(stream, data));
                }

                @Override
                public void exited(int waitStatus) {
                    exit.accept(waitStatus);
                }
            });
        } catch (IOException e) {
            Posix.kill(-spawned.pid(), UnixSignals.KILL);
            exit.accept(CANNOT_EXECUTE << 8);
        }
    }

    private void rankOutput(Job job, int rank, int stream, byte[] data) {
        if ("discard".equals(job.spec.output())) {
            return;
        }
        sendUp(job, MpdMessage.of("job-out").with("jid", job.jid()).with("rank", rank).with("fd", stream).body(data).build());
    }

    private void localExit(Job job, LocalRank local, int waitStatus, String reason) {
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
        pmiIds.remove(local.pmiid);
        int code = Posix.exitCode(waitStatus);
        if (local.session != null && local.session.active()) {
            why = why != null ? why : "exited without calling MPI_Finalize (its PMI connection was still open)";
            code = code == 0 ? 1 : code;
        }
        sendUp(job, MpdMessage.of("job-exit").with("jid", job.jid()).with("rank", local.rank).with("status", code)
                .with("signal", Posix.termSignal(waitStatus) == 0 ? null : Posix.termSignal(waitStatus))
                .with("host", selfId()).with("pid", local.pid).with("why", why).build());
        if (!job.coProcesses.isEmpty() && job.localRanksDone()) {
            for (LocalRank co : job.coProcesses) {
                terminate(co, UnixSignals.TERM, job.spec.graceMillis());
            }
        }
    }

    // ---------------------------------------------------------------- co-processes

    private void startCoProcesses(Job job, StringBuilder spawned) {
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
                Posix.Spawned process = launcher.spawn(launcher.coProcess(spec, set), own);
                Posix.close(process.stdin());
                synchronized (co) {
                    co.pid = process.pid();
                }
                spawned.append("co ").append(process.pid()).append('\n');
                watch(process, co, data -> coOutput(job, data), status -> coExit(job, co, status, null));
                LOG.info("mpd {}: job {}: co-process {} (pid {}) for ranks {}", selfId(), spec.jid(), set.coProcess(),
                        process.pid(), rankList);
            } catch (IOException e) {
                coExit(job, co, CANNOT_EXECUTE << 8, "cannot execute co-process " + set.coProcess() + ": " + e.getMessage());
            }
        });
        if (!job.coProcesses.isEmpty() && job.localRanksDone()) {
            for (LocalRank co : job.coProcesses) {
                terminate(co, UnixSignals.TERM, spec.graceMillis());
            }
        }
    }

    private void coOutput(Job job, Chunk data) {
        if (!"discard".equals(job.spec.output())) {
            sendUp(job, MpdMessage.of("job-out").with("jid", job.jid()).with("rank", -1).with("co", selfId())
                    .with("fd", data.stream()).body(data.bytes()).build());
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
        sendUp(job, MpdMessage.of("job-coexit").with("jid", job.jid()).with("host", selfId()).with("pid", co.pid)
                .with("status", Posix.exitCode(waitStatus))
                .with("signal", Posix.termSignal(waitStatus) == 0 ? null : Posix.termSignal(waitStatus)).with("why", why).build());
    }

    // ---------------------------------------------------------------- messages coming up the tree

    /** Sends toward the root: through the parent, or straight to the root when the parent cannot be reached. */
    private void sendUp(Job job, MpdMessage message) {
        if (job.index == 0) {
            atRoot(job, message);
            return;
        }
        JobSpec spec = job.spec;
        Membership members = ring.membership();
        String parentId = spec.treeHosts().get(spec.parentOf(job.index));
        Member parent = members.member(parentId).orElse(null);
        if (parent != null && peers.send(parent, message)) {
            return;
        }
        Member root = members.member(spec.treeHosts().getFirst()).orElse(null);
        if (root == null || !peers.send(root, message)) {
            if (jobs.remove(spec.jid(), job)) {
                LOG.warn("mpd {}: job {} lost its root; killing its local ranks", selfId(), spec.jid());
            }
            killLocal(job, UnixSignals.KILL, -1, true);
        }
    }

    /** Handles {@code job-out}, {@code job-exit}, {@code job-spawned} and the like from a child. */
    public void onUpward(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null) {
            sendUp(job, message);
        }
    }

    private void atRoot(Job job, MpdMessage message) {
        JobRoot root = job.root;
        try {
            switch (message.cmd()) {
                case "job-out" -> root.send(message);
                case "job-coexit" -> {
                    root.send(message);
                    root.coProcessEnded();
                    finishIfDone(job);
                }
                case "job-spawned" -> spawnedAt(job, message);
                case "job-exit" -> rankExited(job, message);
                case "job-host-failed" -> hostFailed(job, message.require("host"), message.get("why"));
                case "job-abort" -> aborted(job, (int) message.number("rank"), (int) message.number("code"), message.get("host"));
                default -> LOG.warn("mpd {}: unexpected {} at the root of {}", selfId(), message.cmd(), job.jid());
            }
        } catch (MalformedMessageException e) {
            LOG.warn("mpd {}: malformed {} for {}: {}", selfId(), message.cmd(), job.jid(), e.getMessage());
        }
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
        job.root.send(message);
    }

    private void rankExited(Job job, MpdMessage message) throws MalformedMessageException {
        int rank = (int) message.number("rank");
        int status = (int) message.number("status");
        String host = message.get("host");
        String signal = message.get("signal");
        String why = message.get("why");
        String reason = status == 0 ? null : "rank " + rank + " on host " + host + (signal != null
                ? " was killed by signal " + UnixSignals.name(Integer.parseInt(signal)) + " (exit status " + status + ")"
                : " exited with status " + status) + (why != null ? ": " + why : "");
        JobRoot.ExitOutcome outcome = job.root.rankExited(rank, status, reason);
        if (outcome == JobRoot.ExitOutcome.IGNORED) {
            return;
        }
        job.root.send(MpdMessage.of("job-exit").with("jid", job.jid()).with("rank", rank).with("status", status)
                .with("host", host).with("signal", signal).with("pid", message.get("pid")).with("why", why).build());
        if (outcome == JobRoot.ExitOutcome.FIRST_FAILURE) {
            LOG.info("mpd {}: job {}: {}; killing the other ranks", selfId(), job.jid(), reason);
            killJob(job, UnixSignals.TERM);
        }
        finishIfDone(job);
    }

    private void aborted(Job job, int rank, int code, String host) {
        if (job.root.fail(code, "rank " + rank + " on host " + host + " called MPI_Abort with exit code " + code)) {
            LOG.info("mpd {}: job {}: {}; killing the job", selfId(), job.jid(), job.root.failureReason());
            killJob(job, UnixSignals.TERM);
        }
    }

    private void hostFailed(Job job, String hostId, String why) {
        int index = job.spec.treeHosts().indexOf(hostId);
        if (index < 0) {
            return;
        }
        if (job.root.hostLost(index, job.spec.ranksOn(index), "host " + hostId + " " + why)) {
            LOG.warn("mpd {}: job {}: host {} {}; ending the job", selfId(), job.jid(), hostId, why);
            killJob(job, UnixSignals.TERM);
        }
        finishIfDone(job);
    }

    private void finishIfDone(Job job) {
        JobRoot.Ending ending = job.root.finishIfDone();
        if (ending == null) {
            return;
        }
        LOG.info("mpd {}: job {} ended with status {}{}", selfId(), job.jid(), ending.status(),
                ending.reason() == null ? "" : " (" + ending.reason() + ")");
        broadcast(job, MpdMessage.of("job-forget").with("jid", job.jid()).build());
        jobs.remove(job.jid());
        if (job.parent != null) {
            job.parent.root.childEnded(job.jid(), ending);
            finishIfDone(job.parent);
            return;
        }
        if (job.root.detached()) {
            ended.put(job.jid(), job);
        }
        job.root.send(MpdMessage.of("job-done").with("jid", job.jid()).with("status", ending.status())
                .with("reason", ending.reason()).build());
    }

    // ---------------------------------------------------------------- kill, signal, stdin

    /**
     * Kills a job from its root: the signal to every rank now, SIGKILL after the grace period.
     *
     * @param job    the job
     * @param signal the first signal
     */
    private void killJob(Job job, int signal) {
        broadcast(job, MpdMessage.of("job-kill").with("jid", job.jid()).with("signal", signal)
                .with("grace", job.spec.graceMillis()).build());
    }

    /** Sends a message to every host of the job (directly, not through the tree, so a lost node does not hide any). */
    private void broadcast(Job job, MpdMessage message) {
        Membership members = ring.membership();
        for (String hostId : job.spec.treeHosts()) {
            if (hostId.equals(selfId())) {
                handleLocally(message);
            } else {
                members.member(hostId).ifPresent(m -> peers.send(m, message));
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

    /** Handles {@code job-kill}: the signal to each local rank's group, SIGKILL after the grace period. */
    public void onKill(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job == null) {
            return;
        }
        int signal = (int) message.number("signal");
        long grace = message.number("grace", graceMillis);
        for (LocalRank local : job.ranks.values()) {
            terminate(local, signal, grace);
        }
    }

    private void terminate(LocalRank local, int signal, long grace) {
        synchronized (local) {
            if (local.exited || local.pid <= 0) {
                return;
            }
            Posix.kill(-local.pid, signal);
            if (signal != UnixSignals.KILL && local.killTimer == null) {
                local.killTimer = timer.schedule(() -> escalate(local), grace, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void escalate(LocalRank local) {
        synchronized (local) {
            if (!local.exited) {
                Posix.kill(-local.pid, UnixSignals.KILL);
            }
        }
    }

    /**
     * UnixSignals this mpd's ranks of a job.
     *
     * @param job    the job
     * @param signal the signal
     * @param rank   one rank, or -1 for all
     * @param group  whether to signal each rank's process group (the rank and everything it started) or just it
     * @return the ranks signalled (the others had ended)
     */
    private List<Integer> killLocal(Job job, int signal, int rank, boolean group) {
        List<Integer> delivered = new ArrayList<>();
        for (LocalRank local : job.ranks.values()) {
            if (rank >= 0 && local.rank != rank) {
                continue;
            }
            synchronized (local) {
                if (!local.exited && local.pid > 0 && Posix.kill(group ? -local.pid : local.pid, signal) == 0) {
                    delivered.add(local.rank);
                }
            }
        }
        if (rank < 0) {
            for (LocalRank co : job.coProcesses) {
                synchronized (co) {
                    if (signal == UnixSignals.KILL && !co.exited && co.pid > 0) {
                        Posix.kill(-co.pid, signal);
                    }
                }
            }
        }
        return delivered;
    }

    /** Handles {@code job-signal}: delivers a signal to local ranks, without escalation, reporting if asked. */
    public void onSignal(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
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
            onSignalled(report);
        } else {
            ring.membership().member(rootId).ifPresent(m -> peers.send(m, report));
        }
    }

    private static String join(List<Integer> ranks) {
        StringBuilder text = new StringBuilder();
        for (int rank : ranks) {
            text.append(text.isEmpty() ? "" : ",").append(rank);
        }
        return text.toString();
    }

    /** Handles {@code job-signalled}: a host's report of a signal's delivery, at the root. */
    public void onSignalled(MpdMessage message) throws MalformedMessageException {
        SignalReport report = pendingSignals.get(message.number("req"));
        if (report != null && report.hostReported(message.require("host"), message.get("delivered"))) {
            finishSignalReport(report);
        }
    }

    private void finishSignalReport(SignalReport report) {
        if (pendingSignals.remove(report.request()) != null) {
            report.cancelTimeout();
            report.console().trySend(report.result());
        }
    }

    /** Handles {@code job-forget}: the job is over everywhere. */
    public void onForget(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job == null) {
            return;
        }
        if (job.root == null) {
            jobs.remove(job.jid(), job);
        }
        for (LocalRank local : job.ranks.values()) {
            pmiIds.remove(local.pmiid);
            if (local.stdin != null) {
                local.stdin.close();
            }
        }
        for (LocalRank co : job.coProcesses) {
            synchronized (co) {
                if (!co.exited && co.pid > 0) {
                    Posix.kill(-co.pid, UnixSignals.KILL);
                }
            }
        }
    }

    /** Handles {@code job-stdin} on the host of rank 0. */
    public void onStdin(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
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

    /**
     * A console request about a job ({@code kill}, {@code sigjob}, {@code stdin}): handled here if this mpd is
     * its root, else passed to the root. A {@code sigjob} that asks for a delivery report must come to the root.
     *
     * @param console the requesting console link
     * @param message the request
     * @return whether the job exists (as far as this mpd can tell)
     * @throws MalformedMessageException if fields are missing
     */
    public boolean consoleRequest(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        Job job = jobs.get(jid);
        if (console.scope().isPresent() && (job == null || job.root == null || job.root.console() != console)) {
            return false;
        }
        if (job == null || job.root == null) {
            int at = jid.indexOf('@');
            String rootId = at < 0 ? "" : jid.substring(at + 1);
            if (rootId.equals(selfId()) || message.get("report") != null) {
                return false;
            }
            Member root = ring.membership().member(rootId).orElse(null);
            return root != null && peers.send(root, MpdMessage.of("job-request").with("jid", jid).with("what", message.cmd())
                    .with("signal", message.get("signal")).with("rank", message.get("rank")).with("scope", message.get("scope"))
                    .with("eof", message.get("eof")).body(message.body()).build());
        }
        rootRequest(job, message.cmd(), message, console);
        return true;
    }

    /** @return the keys of job consoles this mpd accepts now: those of the jobs with ranks here */
    public List<org.sss.lib.wire.SharedKey> consoleKeys() {
        List<JobSpec> local = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (!job.ranks.isEmpty()) {
                local.add(job.spec);
            }
        }
        return consoles.keysOf(local);
    }

    /** Handles {@code job-request}: a console request another mpd passed to this root. */
    public void onRequest(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null && job.root != null) {
            rootRequest(job, message.require("what"), message, null);
        }
    }

    private void rootRequest(Job job, String what, MpdMessage message, Link console) throws MalformedMessageException {
        switch (what) {
            case "kill" -> {
                int signal = (int) message.number("signal", UnixSignals.TERM);
                job.root.fail(128 + signal, "job killed with signal " + UnixSignals.name(signal) + " on request");
                killJob(job, signal);
            }
            case "sigjob" -> signalJob(job, message, console);
            case "stdin" -> {
                int host = job.spec.rankHost()[0];
                String hostId = job.spec.treeHosts().get(host);
                MpdMessage stdin = MpdMessage.of("job-stdin").with("jid", job.jid()).with("eof", message.get("eof"))
                        .body(message.body()).build();
                if (hostId.equals(selfId())) {
                    onStdin(stdin);
                } else {
                    ring.membership().member(hostId).ifPresent(m -> peers.send(m, stdin));
                }
            }
            default -> throw new MalformedMessageException("unknown job request " + what);
        }
    }

    private void signalJob(Job job, MpdMessage message, Link console) throws MalformedMessageException {
        int rank = (int) message.number("rank", -1);
        if (rank >= job.spec.size()) {
            throw new MalformedMessageException("rank " + rank + " is outside a job of " + job.spec.size());
        }
        String report = message.get("report");
        long request = nextRequest.getAndIncrement();
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
            pendingSignals.put(request, pending);
            SignalReport timed = pending;
            pending.timeout(timer.schedule(() -> finishSignalReport(timed), SIGNAL_REPORT_MILLIS, TimeUnit.MILLISECONDS));
        }
        Membership members = ring.membership();
        for (String host : hosts) {
            if (host.equals(selfId())) {
                onSignal(signal);
            } else {
                Member member = members.member(host).orElse(null);
                if ((member == null || !peers.send(member, signal)) && pending != null
                        && pending.hostReported(host, null)) {
                    finishSignalReport(pending);
                }
            }
        }
    }

    /** A console went away: attached jobs it launched are killed (nobody would read their output); detached ones run on. */
    public void consoleClosed(Link console) {
        for (Job job : jobs.values()) {
            if (job.singleton != null && job.root.console() == console) {
                singletonEnd(job);
                continue;
            }
            if (job.root != null && job.parent == null && job.root.consoleClosed(console)) {
                LOG.warn("mpd {}: mpiexec of job {} disconnected; killing the job", selfId(), job.jid());
                job.root.fail(HOST_LOST, "mpiexec disconnected");
                killJob(job, UnixSignals.TERM);
            }
        }
        for (Job job : ended.values()) {
            job.root.consoleClosed(console);
        }
    }

    // ---------------------------------------------------------------- detached jobs: attach, release, list

    /**
     * Handles {@code attach}: the console becomes the job's console and is told its story so far.
     *
     * @param console the console
     * @param message the request
     * @throws MalformedMessageException if the jid is missing
     */
    public void attach(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        Job job = jobs.get(jid);
        if (job == null || job.root == null) {
            job = ended.get(jid);
        }
        if (job == null || job.root == null || job.parent != null) {
            console.trySend(MpdMessage.of("error").with("jid", jid).with("msg", "no job " + jid + " is led by mpd " + selfId())
                    .build());
            return;
        }
        if (!job.root.attach(console, launched(job.spec))) {
            console.trySend(MpdMessage.of("error").with("jid", jid).with("msg", "job " + jid + " is not detached").build());
            return;
        }
        LOG.info("mpd {}: console {} attached to job {}", selfId(), console.describe(), jid);
    }

    /**
     * Handles {@code release}: the console has recorded the end of a detached job, which may now be forgotten.
     *
     * @param console the console
     * @param message the request
     * @throws MalformedMessageException if the jid is missing
     */
    public void release(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        if (ended.remove(jid) != null) {
            console.trySend(MpdMessage.of("ok").with("jid", jid).build());
        } else if (jobs.containsKey(jid)) {
            console.trySend(MpdMessage.of("error").with("jid", jid).with("msg", "job " + jid + " is still running").build());
        } else {
            console.trySend(MpdMessage.of("ok").with("jid", jid).with("unknown", 1).build());
        }
    }

    /** @return one line per detached job led here: {@code jid state tag}, state {@code running} or {@code ended} */
    public List<String> detachedJobs() {
        List<String> lines = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (job.root != null && job.parent == null && job.root.detached()) {
                lines.add(job.jid() + " running " + job.spec.supervision().tag());
            }
        }
        for (Job job : ended.values()) {
            lines.add(job.jid() + " ended " + job.spec.supervision().tag());
        }
        return lines;
    }

    private void expireEnded() {
        long now = System.nanoTime();
        ended.values().removeIf(job -> {
            boolean expired = now - job.root.endedAtNanos() > keepEnded.toNanos();
            if (expired) {
                LOG.info("mpd {}: forgetting the end of detached job {} (not released within {} s)", selfId(), job.jid(),
                        keepEnded.toSeconds());
            }
            return expired;
        });
    }

    /**
     * Members left or died: jobs rooted on them lose their local ranks here; jobs rooted here end with a message
     * naming the lost host.
     *
     * @param lost ids of the members gone
     */
    public void membersGone(Set<String> lost) {
        for (Job job : jobs.values()) {
            String rootId = job.spec.treeHosts().getFirst();
            if (lost.contains(rootId)) {
                if (jobs.remove(job.jid(), job)) {
                    LOG.warn("mpd {}: root {} of job {} is gone; killing its local ranks", selfId(), rootId, job.jid());
                }
                killLocal(job, UnixSignals.KILL, -1, true);
                continue;
            }
            if (job.root == null) {
                continue;
            }
            for (String host : job.spec.treeHosts()) {
                if (lost.contains(host)) {
                    hostFailed(job, host, "was lost (its mpd left the ring)");
                }
            }
        }
        for (SignalReport report : pendingSignals.values()) {
            for (String host : lost) {
                if (report.hostReported(host, null)) {
                    finishSignalReport(report);
                }
            }
        }
    }

    /**
     * @return one line per local rank: {@code jid rank pid user exec}
     */
    public List<String> localRanks() {
        List<String> lines = new ArrayList<>();
        for (Job job : jobs.values()) {
            for (LocalRank local : job.ranks.values()) {
                if (!local.exited) {
                    lines.add(job.jid() + " " + local.rank + " " + local.pid + " " + job.spec.user() + " "
                            + job.spec.setOf(local.rank).exec());
                }
            }
        }
        return lines;
    }

    /** @return the number of jobs this mpd takes part in */
    public int jobCount() {
        return jobs.size();
    }

    /** Kills every local rank (the mpd is exiting). */
    @Override
    public void close() {
        for (Job job : jobs.values()) {
            killLocal(job, UnixSignals.KILL, -1, true);
        }
        timer.shutdownNow();
        pmi.close();
    }

    // ---------------------------------------------------------------- PMI: sessions, fences, abort, spawn

    private void pmiEnded(PmiSession session) {
        PmiSession.Binding binding = session.binding();
        if (binding != null && session.active()) {
            LOG.warn("mpd {}: job {} rank {} closed its PMI connection without finalize", selfId(), binding.job().jid(),
                    binding.rank());
        }
    }

    /** One mpd's PMI view of a job: what its local ranks' sessions call. */
    private final class JobPmi implements PmiJob {
        private final Job job;

        JobPmi(Job job) {
            this.job = job;
        }

        @Override
        public String jid() {
            return job.jid();
        }

        @Override
        public int size() {
            return job.spec.size();
        }

        @Override
        public int appnum(int rank) {
            return job.spec.appnum(rank);
        }

        @Override
        public int universeSize() {
            return Math.max(job.spec.size(), ring.membership().size());
        }

        @Override
        public Optional<String> processMapping() {
            return job.mapping;
        }

        @Override
        public JobKvs kvs() {
            return job.kvs;
        }

        @Override
        public void attached(int rank, PmiSession session) {
            LocalRank local = job.ranks.get(rank);
            if (local != null) {
                local.session = session;
            }
        }

        @Override
        public void barrierIn(int rank, Runnable release) {
            job.kvs.rankIn(release).ifPresent(contribution -> fenceUp(job, contribution.puts()));
        }

        @Override
        public void abort(int rank, int code) {
            LOG.info("mpd {}: job {} rank {} called MPI_Abort({})", selfId(), job.jid(), rank, code);
            sendUp(job, MpdMessage.of("job-abort").with("jid", job.jid()).with("rank", rank).with("code", code)
                    .with("host", selfId()).build());
        }

        @Override
        public void finalized(int rank) {
            LOG.debug("mpd {}: job {} rank {} finalized", selfId(), job.jid(), rank);
        }

        @Override
        public void spawn(int rank, List<SpawnRequest.Command> commands, IntConsumer result) {
            spawnRequest(job, commands, result);
        }
    }

    /** This subtree has entered the fence: its puts go up, or (at the root) the union comes back down. */
    private void fenceUp(Job job, Map<String, String> puts) {
        if (job.index == 0) {
            commit(job, puts);
            return;
        }
        String parentId = job.spec.treeHosts().get(job.spec.parentOf(job.index));
        Member parent = ring.membership().member(parentId).orElse(null);
        if (parent == null || !peers.send(parent, MpdMessage.of("kvs-fence").with("jid", job.jid())
                .body(encodePuts(puts)).build())) {
            LOG.warn("mpd {}: job {}: fence cannot reach parent {}", selfId(), job.jid(), parentId);
        }
    }

    private void commit(Job job, Map<String, String> union) {
        if (!job.spec.childrenOf(job.index).isEmpty()) {
            MpdMessage down = MpdMessage.of("kvs-commit").with("jid", job.jid()).body(encodePuts(union)).build();
            for (int child : job.spec.childrenOf(job.index)) {
                ring.membership().member(job.spec.treeHosts().get(child)).ifPresent(m -> peers.send(m, down));
            }
        }
        job.kvs.commit(union).forEach(Runnable::run);
    }

    /** Handles {@code kvs-fence} from a child. */
    public void onKvsFence(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null) {
            job.kvs.childIn(decodePuts(message.body())).ifPresent(contribution -> fenceUp(job, contribution.puts()));
        }
    }

    /** Handles {@code kvs-commit} from the parent. */
    public void onKvsCommit(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null) {
            commit(job, decodePuts(message.body()));
        }
    }

    private static byte[] encodePuts(Map<String, String> puts) {
        StringBuilder text = new StringBuilder();
        puts.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> decodePuts(byte[] body) {
        Map<String, String> puts = new LinkedHashMap<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            int equals = line.indexOf('=');
            if (equals >= 0) {
                puts.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return puts;
    }

    /** A rank asked to spawn: the parent's root starts the child job; the answer comes back here. */
    private void spawnRequest(Job parent, List<SpawnRequest.Command> commands, IntConsumer result) {
        List<JobSpec.RankSet> sets = new ArrayList<>();
        List<String> preput = new ArrayList<>();
        String wdir = parent.spec.wdir();
        for (SpawnRequest.Command command : commands) {
            JobSpec.RankSet parentSet = parent.spec.sets().getFirst();
            sets.add(new JobSpec.RankSet(command.nprocs(), command.exec(), command.args(), List.of(), parentSet.runAs(),
                    parentSet.limits(), "", ""));
            command.preput().forEach((k, v) -> preput.add(k + "=" + v));
            wdir = command.info().getOrDefault("wdir", wdir);
        }
        JobSpec child = new JobSpec("", parent.spec.user(), wdir, parent.spec.output(), parent.spec.env(), sets,
                JobSpec.Wishes.NONE, List.of(), new int[0], fanout, parent.spec.graceMillis(), preput, parent.jid(),
                JobSpec.Supervision.ATTACHED);
        long request = nextRequest.getAndIncrement();
        pendingSpawns.put(request, result);
        MpdMessage message = MpdMessage.of("job-spawn").with("jid", parent.jid()).with("req", request)
                .with("from", selfId()).body(JobSpecCodec.encode(child)).build();
        if (parent.index == 0) {
            try {
                onSpawn(message);
            } catch (MalformedMessageException e) {
                pendingSpawns.remove(request).accept(-1);
            }
            return;
        }
        Member root = ring.membership().member(parent.spec.treeHosts().getFirst()).orElse(null);
        if (root == null || !peers.send(root, message)) {
            pendingSpawns.remove(request).accept(-1);
        }
    }

    /** Handles {@code job-spawn} at the parent's root: places and starts the child job, then answers. */
    public void onSpawn(MpdMessage message) throws MalformedMessageException {
        Job parent = jobs.get(message.require("jid"));
        JobSpec request = JobSpecCodec.decode(message.body());
        int rc = 0;
        if (parent == null || parent.root == null) {
            rc = -1;
        } else {
            try {
                Placement placement = Placement.of(request, ring.membership(), selfId());
                String jid = nextJob.getAndIncrement() + "@" + selfId();
                JobSpec spec = request.placed(jid, placement.tree(), placement.rankHost(), fanout, request.graceMillis());
                Job child = newJob(spec, 0);
                child.root = new JobRoot(spec, null, parent.root);
                child.parent = parent;
                parent.root.childStarted();
                jobs.put(jid, child);
                LOG.info("mpd {}: job {} spawned job {} of {} ranks ({})", selfId(), parent.jid(), jid, spec.size(),
                        spec.sets().getFirst().exec());
                start(child);
            } catch (IllegalArgumentException e) {
                LOG.warn("mpd {}: spawn for job {} refused: {}", selfId(), parent.jid(), e.getMessage());
                rc = -1;
            }
        }
        MpdMessage answer = MpdMessage.of("job-spawn-result").with("req", message.require("req")).with("rc", rc).build();
        String from = message.require("from");
        if (from.equals(selfId())) {
            onSpawnResult(answer);
        } else {
            ring.membership().member(from).ifPresent(m -> peers.send(m, answer));
        }
    }

    /** Handles {@code job-spawn-result}: the spawning rank gets its {@code spawn_result}. */
    public void onSpawnResult(MpdMessage message) throws MalformedMessageException {
        IntConsumer result = pendingSpawns.remove(message.number("req"));
        if (result != null) {
            result.accept((int) message.number("rc"));
        }
    }

    // ---------------------------------------------------------------- singleton init (mpiexec -pmi_args)

    /**
     * Handles {@code singleton} from an mpiexec that an MPI program started without a process manager re-exec'd
     * ({@code mpiexec -pmi_args}): a one-rank job whose only rank is that already running program, its PMI lines
     * relayed by mpiexec.
     */
    public void singleton(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = nextJob.getAndIncrement() + "@" + selfId();
        String pid = message.get("pid");
        JobSpec spec = new JobSpec(jid, message.get("user") == null ? "" : message.get("user"), "/", "merged", List.of(),
                List.of(new JobSpec.RankSet(1, "singleton" + (pid == null ? "" : "-" + pid), List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of(selfId()), new int[] {0}, fanout, graceMillis, List.of(), "",
                JobSpec.Supervision.ATTACHED);
        Job job = newJob(spec, 0);
        job.root = new JobRoot(spec, console, null);
        job.ranks.put(0, new LocalRank(0));
        jobs.put(jid, job);
        job.singleton = PmiSession.bound(text -> console.send(MpdMessage.of("pmi-reply").with("jid", jid)
                .body(text.getBytes(StandardCharsets.UTF_8)).build()), new PmiSession.Binding(job.pmi, 0), console.describe());
        LOG.info("mpd {}: singleton job {} for pid {} from {}", selfId(), jid, pid, console.describe());
        console.trySend(MpdMessage.of("singleton-ok").with("jid", jid).with("kvsname", job.kvs.kvsname()).build());
    }

    /** Handles {@code pmi}: one line of a singleton's PMI conversation, relayed by its mpiexec. */
    public void onPmiRelay(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job == null || job.singleton == null) {
            throw new MalformedMessageException("pmi relay for unknown singleton job " + message.get("jid"));
        }
        try {
            for (String line : new String(message.body(), StandardCharsets.UTF_8).split("\n")) {
                job.singleton.line(line);
            }
        } catch (IOException e) {
            LOG.info("mpd {}: singleton {} went away: {}", selfId(), job.jid(), e.getMessage());
        }
    }

    /** Handles {@code singleton-end}: the singleton closed its PMI connection. */
    public void onSingletonEnd(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null && job.singleton != null) {
            singletonEnd(job);
        }
    }

    private void singletonEnd(Job job) {
        LocalRank rank0 = job.ranks.get(0);
        boolean finalized = !job.singleton.active();
        localExit(job, rank0, finalized ? 0 : 1 << 8, finalized ? null : "the singleton ended without MPI_Finalize");
    }
}
