package org.sss.mpd.internal;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmi.JobKvs;
import org.sss.mpd.internal.pmi.PmiJob;
import org.sss.mpd.internal.pmi.PmiServer;
import org.sss.mpd.internal.pmi.PmiSession;
import org.sss.mpd.internal.pmi.ProcessMapping;
import org.sss.mpd.internal.pmi.SpawnRequest;

/**
 * The jobs an mpd takes part in.
 *
 * <p>The mpd that mpiexec talks to is the job's root: it places the ranks, assigns the job id and sends
 * {@code job-start} to its children in a k-ary tree over the job's hosts; every mpd forwards to its own children
 * first and then spawns its local ranks, each in its own session. Output and exits travel back up the tree to the
 * root, which passes output to mpiexec as it comes and keeps the count. The first rank to fail (non-zero exit or a
 * signal) makes the root kill the job: SIGTERM to every rank's process group, SIGKILL after the grace period. A
 * lost host ends its jobs with a message naming it. When every rank is accounted for, the root tells mpiexec how
 * the job ended and every mpd forgets it.
 *
 * <p>Ranks find the mpd's PMI server through {@code PMI_PORT} and {@code PMI_ID}; a job's key-value space is kept
 * per mpd and merged at each fence over the same tree (see {@link JobKvs}). A rank that calls {@code MPI_Abort}, or
 * exits with PMI initialised and not finalised, ends its job. {@code MPI_Comm_spawn} starts a child job through the
 * parent's root, sharing the parent's mpiexec; the parent's end waits for its children. Thread-safe.
 */
public final class JobManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);
    /** Exit status of a job whose host was lost. */
    public static final int HOST_LOST = 255;
    /** Exit status of a rank that could not be started (as a shell reports a command it cannot run). */
    public static final int CANNOT_EXECUTE = 127;

    private final Ring ring;
    private final Peers peers;
    private final ProcessReactor reactor;
    private final int fanout;
    private final long graceMillis;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final AtomicLong nextJob = new AtomicLong(1);
    private final AtomicInteger nextPmiId = new AtomicInteger();
    private final Map<Integer, PmiSession.Binding> pmiIds = new ConcurrentHashMap<>();
    private final AtomicLong nextSpawn = new AtomicLong(1);
    private final Map<Long, IntConsumer> pendingSpawns = new ConcurrentHashMap<>();
    private final PmiServer pmi;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mpd-jobs").factory());

    /**
     * @param ring        the ring (membership, this mpd)
     * @param peers       connections to other mpds
     * @param reactor     watches local ranks
     * @param fanout      children per tree node
     * @param graceMillis SIGTERM to SIGKILL delay
     * @throws IOException if the PMI port cannot be bound
     */
    public JobManager(Ring ring, Peers peers, ProcessReactor reactor, int fanout, long graceMillis) throws IOException {
        this.ring = ring;
        this.peers = peers;
        this.reactor = reactor;
        this.fanout = fanout;
        this.graceMillis = graceMillis;
        this.pmi = new PmiServer(ring.self().endpoint().host(), id -> Optional.ofNullable(pmiIds.get(id)), this::pmiEnded);
    }

    /** @return the PMI port ranks are given ({@code addr:port}) */
    public String pmiPort() {
        return pmi.port();
    }

    private String selfId() {
        return ring.self().id();
    }

    // ---------------------------------------------------------------- root: launch from mpiexec

    /** Handles {@code launch} from mpiexec: places the job and starts it down the tree. */
    public void launch(Link console, MpdMessage message) throws MalformedMessageException {
        JobSpec request = JobSpec.decode(message.body());
        Placement placement;
        try {
            placement = Placement.of(request, ring.membership(), selfId());
        } catch (IllegalArgumentException e) {
            console.trySend(MpdMessage.of("error").with("msg", e.getMessage()).build());
            return;
        }
        String jid = nextJob.getAndIncrement() + "@" + selfId();
        long grace = request.graceMillis() > 0 ? request.graceMillis() : graceMillis;
        JobSpec spec = request.placed(jid, placement.tree(), placement.rankHost(), fanout, grace);
        Job job = new Job(spec, 0);
        job.root = new RootState(console, spec.size());
        jobs.put(jid, job);
        LOG.info("mpd {}: job {} of {} ranks on {} hosts from {} ({})", selfId(), jid, spec.size(), spec.treeHosts().size(),
                console.describe(), spec.sets().getFirst().exec());
        console.trySend(MpdMessage.of("job-launched").with("jid", jid).with("size", spec.size())
                .with("hosts", String.join(",", spec.treeHosts())).build());
        start(job);
    }

    // ---------------------------------------------------------------- every mpd: start its part

    /** Handles {@code job-start} from the parent. */
    public void onStart(MpdMessage message) throws MalformedMessageException {
        JobSpec spec = JobSpec.decode(message.body());
        int index = spec.treeHosts().indexOf(selfId());
        if (index < 0) {
            throw new MalformedMessageException("job-start for a job that does not include this mpd");
        }
        Job job = new Job(spec, index);
        if (jobs.putIfAbsent(spec.jid(), job) != null) {
            return;
        }
        start(job);
    }

    private void start(Job job) {
        JobSpec spec = job.spec;
        MpdMessage forward = MpdMessage.of("job-start").with("jid", spec.jid()).body(spec.encode()).build();
        for (int child : spec.childrenOf(job.index)) {
            String childId = spec.treeHosts().get(child);
            Member member = ring.membership().member(childId).orElse(null);
            if (member == null || !peers.send(member, forward)) {
                failHost(job, childId, "could not be reached to start the job");
            }
        }
        for (int rank : spec.ranksOn(job.index)) {
            spawn(job, rank);
        }
    }

    private void failHost(Job job, String hostId, String why) {
        LOG.warn("mpd {}: job {}: host {} {}", selfId(), job.spec.jid(), hostId, why);
        sendUp(job, MpdMessage.of("job-host-failed").with("jid", job.spec.jid()).with("host", hostId).with("why", why).build());
    }

    private void spawn(Job job, int rank) {
        JobSpec spec = job.spec;
        JobSpec.RankSet set = spec.setOf(rank);
        Launchable launchable = job.launchables.computeIfAbsent(set, each -> launchable(spec, each));
        List<String> envList = new ArrayList<>(launchable.env.size() + 6);
        envList.addAll(launchable.env);
        envList.add("PMI_RANK=" + rank);
        envList.add("PMI_SIZE=" + spec.size());
        envList.add("MPD_JID=" + spec.jid());
        envList.add("MPD_JRANK=" + rank);
        envList.add("MPD_JSIZE=" + spec.size());
        envList.add("MPD_HOST=" + ring.self().host());
        int pmiid = nextPmiId.incrementAndGet();
        envList.add("PMI_PORT=" + pmi.port());
        envList.add("PMI_ID=" + pmiid);
        if (spec.spawned()) {
            envList.add("PMI_SPAWNED=1");
        }
        LocalRank local = new LocalRank(rank);
        local.pmiid = pmiid;
        pmiIds.put(pmiid, new PmiSession.Binding(job.pmi, rank));
        job.ranks.put(rank, local);
        Posix.Spawned spawned;
        try {
            if (launchable.path == null) {
                throw new IOException(launchable.problem);
            }
            spawned = Posix.spawn(launchable.path, launchable.argv, envList, spec.wdir());
        } catch (IOException e) {
            String text = "mpd " + selfId() + ": rank " + rank + ": cannot execute " + set.exec() + ": " + e.getMessage() + "\n";
            rankOutput(job, rank, 2, text.getBytes(StandardCharsets.UTF_8));
            localExit(job, local, CANNOT_EXECUTE << 8, "cannot execute " + set.exec() + ": " + e.getMessage());
            return;
        }
        local.pid = spawned.pid();
        if (rank == 0) {
            local.stdin = new StdinWriter(spec.jid(), spawned.stdin());
        } else {
            Posix.close(spawned.stdin());
        }
        try {
            reactor.watch(spawned, new ProcessReactor.Watcher() {
                @Override
                public void output(int stream, byte[] data) {
                    rankOutput(job, rank, stream, data);
                }

                @Override
                public void exited(int waitStatus) {
                    localExit(job, local, waitStatus, null);
                }
            });
        } catch (IOException e) {
            Posix.kill(-spawned.pid(), Signals.KILL);
            localExit(job, local, CANNOT_EXECUTE << 8, "cannot watch the process: " + e.getMessage());
        }
    }

    /** What every rank of one set needs, worked out once per job on this mpd: the program's path, argv, base env. */
    private static Launchable launchable(JobSpec spec, JobSpec.RankSet set) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : spec.env()) {
            put(env, entry);
        }
        for (String entry : set.env()) {
            put(env, entry);
        }
        List<String> envList = new ArrayList<>(env.size());
        env.forEach((k, v) -> envList.add(k + "=" + v));
        List<String> argv = new ArrayList<>();
        argv.add(set.exec());
        argv.addAll(set.args());
        try {
            return new Launchable(resolve(set.exec(), env.get("PATH"), spec.wdir()), null, List.copyOf(argv), List.copyOf(envList));
        } catch (IOException e) {
            return new Launchable(null, e.getMessage(), List.copyOf(argv), List.copyOf(envList));
        }
    }

    /**
     * A rank set ready to start.
     *
     * @param path    the program's path, or null when it cannot be found
     * @param problem why it cannot be found
     * @param argv    its arguments, argv[0] first
     * @param env     the environment every rank of the set shares
     */
    private record Launchable(String path, String problem, List<String> argv, List<String> env) {
    }

    private static void put(Map<String, String> env, String entry) {
        int equals = entry.indexOf('=');
        if (equals > 0) {
            env.put(entry.substring(0, equals), entry.substring(equals + 1));
        }
    }

    /** Finds the program: a name with a slash is taken relative to the working directory, else searched in PATH. */
    static String resolve(String exec, String path, String wdir) throws IOException {
        if (exec.contains("/")) {
            Path file = Path.of(exec).isAbsolute() ? Path.of(exec) : Path.of(wdir).resolve(exec);
            return file.toString();
        }
        String search = path != null ? path : "/usr/local/bin:/usr/bin:/bin";
        for (String dir : search.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? wdir : dir).resolve(exec);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new IOException("command not found in PATH");
    }

    private void rankOutput(Job job, int rank, int stream, byte[] data) {
        if ("discard".equals(job.spec.output())) {
            return;
        }
        sendUp(job, MpdMessage.of("job-out").with("jid", job.spec.jid()).with("rank", rank).with("fd", stream).body(data).build());
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
        sendUp(job, MpdMessage.of("job-exit").with("jid", job.spec.jid()).with("rank", local.rank).with("status", code)
                .with("signal", Posix.termSignal(waitStatus) == 0 ? null : Posix.termSignal(waitStatus))
                .with("host", selfId()).with("pid", local.pid).with("why", why).build());
    }

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
            killLocal(job, Signals.KILL);
        }
    }

    // ---------------------------------------------------------------- messages coming up the tree

    /** Handles {@code job-out}, {@code job-exit} and {@code job-host-failed} from a child. */
    public void onUpward(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job == null) {
            return;
        }
        sendUp(job, message);
    }

    private void atRoot(Job job, MpdMessage message) {
        RootState root = job.root;
        try {
            switch (message.cmd()) {
                case "job-out" -> root.console.trySend(message);
                case "job-exit" -> rankExited(job, (int) message.number("rank"), (int) message.number("status"),
                        message.get("host"), message.get("signal"), message.get("why"));
                case "job-host-failed" -> hostFailed(job, message.require("host"), message.get("why"));
                case "job-abort" -> aborted(job, (int) message.number("rank"), (int) message.number("code"), message.get("host"));
                default -> LOG.warn("mpd {}: unexpected {} at the root of {}", selfId(), message.cmd(), job.spec.jid());
            }
        } catch (MalformedMessageException e) {
            LOG.warn("mpd {}: malformed {} for {}: {}", selfId(), message.cmd(), job.spec.jid(), e.getMessage());
        }
    }

    private void rankExited(Job job, int rank, int status, String host, String signal, String why) {
        RootState root = job.root;
        boolean kill = false;
        synchronized (root) {
            if (rank < 0 || rank >= root.status.length || root.status[rank] >= 0) {
                return;
            }
            root.status[rank] = status;
            root.exited++;
            if (status != 0 && root.failure == null) {
                String reason = "rank " + rank + " on host " + host + (signal != null
                        ? " was killed by signal " + Signals.name(Integer.parseInt(signal)) + " (exit status " + status + ")"
                        : " exited with status " + status) + (why != null ? ": " + why : "");
                root.failure = new Failure(status, reason);
                kill = root.exited < root.status.length;
            }
        }
        root.console.trySend(MpdMessage.of("job-exit").with("jid", job.spec.jid()).with("rank", rank).with("status", status)
                .with("host", host).build());
        if (kill) {
            LOG.info("mpd {}: job {}: {}; killing the other ranks", selfId(), job.spec.jid(), job.root.failure.reason);
            killJob(job, Signals.TERM);
        }
        finishIfDone(job);
    }

    private void aborted(Job job, int rank, int code, String host) {
        boolean kill;
        synchronized (job.root) {
            kill = job.root.failure == null;
            if (kill) {
                job.root.failure = new Failure(code, "rank " + rank + " on host " + host + " called MPI_Abort with exit code " + code);
            }
        }
        if (kill) {
            LOG.info("mpd {}: job {}: {}; killing the job", selfId(), job.spec.jid(), job.root.failure.reason);
            killJob(job, Signals.TERM);
        }
    }

    private void hostFailed(Job job, String hostId, String why) {
        RootState root = job.root;
        int index = job.spec.treeHosts().indexOf(hostId);
        if (index < 0) {
            return;
        }
        boolean kill;
        synchronized (root) {
            for (int rank : job.spec.ranksOn(index)) {
                if (root.status[rank] < 0) {
                    root.status[rank] = HOST_LOST;
                    root.exited++;
                }
            }
            kill = root.failure == null;
            if (kill) {
                root.failure = new Failure(HOST_LOST, "host " + hostId + " " + why);
            }
        }
        if (kill) {
            LOG.warn("mpd {}: job {}: host {} {}; ending the job", selfId(), job.spec.jid(), hostId, why);
            killJob(job, Signals.TERM);
        }
        finishIfDone(job);
    }

    private void finishIfDone(Job job) {
        RootState root = job.root;
        Failure failure;
        synchronized (root) {
            if (root.done || root.exited < root.status.length || root.liveChildren > 0) {
                return;
            }
            root.done = true;
            failure = root.failure;
        }
        int status = failure == null ? 0 : failure.status;
        LOG.info("mpd {}: job {} ended with status {}{}", selfId(), job.spec.jid(), status,
                failure == null ? "" : " (" + failure.reason + ")");
        broadcast(job, MpdMessage.of("job-forget").with("jid", job.spec.jid()).build());
        jobs.remove(job.spec.jid());
        Job parent = root.parent;
        if (parent != null) {
            synchronized (parent.root) {
                parent.root.liveChildren--;
                if (failure != null && parent.root.failure == null) {
                    parent.root.failure = new Failure(status, "spawned job " + job.spec.jid() + ": " + failure.reason);
                }
            }
            finishIfDone(parent);
            return;
        }
        root.console.trySend(MpdMessage.of("job-done").with("jid", job.spec.jid()).with("status", status)
                .with("reason", failure == null ? null : failure.reason).build());
    }

    // ---------------------------------------------------------------- kill, signal, stdin

    /**
     * Kills a job from its root: the signal to every rank now, SIGKILL after the grace period.
     *
     * @param job    the job
     * @param signal the first signal
     */
    private void killJob(Job job, int signal) {
        broadcast(job, MpdMessage.of("job-kill").with("jid", job.spec.jid()).with("signal", signal)
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
            synchronized (local) {
                if (local.exited || local.pid <= 0) {
                    continue;
                }
                Posix.kill(-local.pid, signal);
                if (signal != Signals.KILL && local.killTimer == null) {
                    local.killTimer = timer.schedule(() -> escalate(local), grace, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private void escalate(LocalRank local) {
        synchronized (local) {
            if (!local.exited) {
                Posix.kill(-local.pid, Signals.KILL);
            }
        }
    }

    private void killLocal(Job job, int signal) {
        for (LocalRank local : job.ranks.values()) {
            synchronized (local) {
                if (!local.exited && local.pid > 0) {
                    Posix.kill(-local.pid, signal);
                }
            }
        }
    }

    /** Handles {@code job-signal}: delivers a signal to each local rank's group, without escalation. */
    public void onSignal(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null) {
            killLocal(job, (int) message.number("signal"));
        }
    }

    /** Handles {@code job-forget}: the job is over everywhere. */
    public void onForget(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.remove(message.require("jid"));
        if (job != null) {
            for (LocalRank local : job.ranks.values()) {
                pmiIds.remove(local.pmiid);
                if (local.stdin != null) {
                    local.stdin.close();
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
     * its root, else passed to the root.
     *
     * @param console the requesting console link
     * @param message the request
     * @return whether the job exists (as far as this mpd can tell)
     * @throws MalformedMessageException if fields are missing
     */
    public boolean consoleRequest(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        Job job = jobs.get(jid);
        if (job == null || job.root == null) {
            int at = jid.indexOf('@');
            String rootId = at < 0 ? "" : jid.substring(at + 1);
            if (rootId.equals(selfId())) {
                return false;
            }
            Member root = ring.membership().member(rootId).orElse(null);
            return root != null && peers.send(root, MpdMessage.of("job-request").with("jid", jid).with("what", message.cmd())
                    .with("signal", message.get("signal")).with("eof", message.get("eof")).body(message.body()).build());
        }
        rootRequest(job, message.cmd(), message);
        return true;
    }

    /** Handles {@code job-request}: a console request another mpd passed to this root. */
    public void onRequest(MpdMessage message) throws MalformedMessageException {
        Job job = jobs.get(message.require("jid"));
        if (job != null && job.root != null) {
            rootRequest(job, message.require("what"), message);
        }
    }

    private void rootRequest(Job job, String what, MpdMessage message) throws MalformedMessageException {
        switch (what) {
            case "kill" -> {
                int signal = (int) message.number("signal", Signals.TERM);
                synchronized (job.root) {
                    if (job.root.failure == null) {
                        job.root.failure = new Failure(128 + signal, "job killed with signal " + Signals.name(signal)
                                + " on request");
                    }
                }
                killJob(job, signal);
            }
            case "sigjob" -> broadcast(job, MpdMessage.of("job-signal").with("jid", job.spec.jid())
                    .with("signal", message.number("signal")).build());
            case "stdin" -> {
                int host = job.spec.rankHost()[0];
                String hostId = job.spec.treeHosts().get(host);
                MpdMessage stdin = MpdMessage.of("job-stdin").with("jid", job.spec.jid()).with("eof", message.get("eof"))
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

    /** mpiexec went away: its jobs are killed, nobody would read their output. */
    public void consoleClosed(Link console) {
        for (Job job : jobs.values()) {
            if (job.singleton != null && job.root.console == console) {
                singletonEnd(job);
                continue;
            }
            if (job.root != null && job.root.console == console && !job.root.done) {
                LOG.warn("mpd {}: mpiexec of job {} disconnected; killing the job", selfId(), job.spec.jid());
                synchronized (job.root) {
                    if (job.root.failure == null) {
                        job.root.failure = new Failure(HOST_LOST, "mpiexec disconnected");
                    }
                }
                killJob(job, Signals.TERM);
            }
        }
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
                if (jobs.remove(job.spec.jid(), job)) {
                    LOG.warn("mpd {}: root {} of job {} is gone; killing its local ranks", selfId(), rootId, job.spec.jid());
                }
                killLocal(job, Signals.KILL);
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
    }

    /**
     * @return one line per local rank: {@code jid rank pid user exec}
     */
    public List<String> localRanks() {
        List<String> lines = new ArrayList<>();
        for (Job job : jobs.values()) {
            for (LocalRank local : job.ranks.values()) {
                if (!local.exited) {
                    lines.add(job.spec.jid() + " " + local.rank + " " + local.pid + " " + job.spec.user() + " "
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
            killLocal(job, Signals.KILL);
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
            return job.spec.jid();
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
            LOG.info("mpd {}: job {} rank {} called MPI_Abort({})", selfId(), job.spec.jid(), rank, code);
            sendUp(job, MpdMessage.of("job-abort").with("jid", job.spec.jid()).with("rank", rank).with("code", code)
                    .with("host", selfId()).build());
        }

        @Override
        public void finalized(int rank) {
            LOG.debug("mpd {}: job {} rank {} finalized", selfId(), job.spec.jid(), rank);
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
        if (parent == null || !peers.send(parent, MpdMessage.of("kvs-fence").with("jid", job.spec.jid())
                .body(encodePuts(puts)).build())) {
            LOG.warn("mpd {}: job {}: fence cannot reach parent {}", selfId(), job.spec.jid(), parentId);
        }
    }

    private void commit(Job job, Map<String, String> union) {
        if (!job.spec.childrenOf(job.index).isEmpty()) {
            MpdMessage down = MpdMessage.of("kvs-commit").with("jid", job.spec.jid()).body(encodePuts(union)).build();
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
            sets.add(new JobSpec.RankSet(command.nprocs(), command.exec(), command.args(), List.of()));
            command.preput().forEach((k, v) -> preput.add(k + "=" + v));
            wdir = command.info().getOrDefault("wdir", wdir);
        }
        JobSpec child = new JobSpec("", parent.spec.user(), wdir, parent.spec.output(), parent.spec.env(), sets, List.of(), 0,
                List.of(), List.of(), new int[0], fanout, parent.spec.graceMillis(), preput, parent.spec.jid());
        long request = nextSpawn.getAndIncrement();
        pendingSpawns.put(request, result);
        MpdMessage message = MpdMessage.of("job-spawn").with("jid", parent.spec.jid()).with("req", request)
                .with("from", selfId()).body(child.encode()).build();
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
        JobSpec request = JobSpec.decode(message.body());
        int rc = 0;
        if (parent == null || parent.root == null) {
            rc = -1;
        } else {
            try {
                Placement placement = Placement.of(request, ring.membership(), selfId());
                String jid = nextJob.getAndIncrement() + "@" + selfId();
                JobSpec spec = request.placed(jid, placement.tree(), placement.rankHost(), fanout, request.graceMillis());
                Job child = new Job(spec, 0);
                child.root = new RootState(parent.root.console, spec.size());
                child.root.parent = parent;
                synchronized (parent.root) {
                    parent.root.liveChildren++;
                }
                jobs.put(jid, child);
                LOG.info("mpd {}: job {} spawned job {} of {} ranks ({})", selfId(), parent.spec.jid(), jid, spec.size(),
                        spec.sets().getFirst().exec());
                start(child);
            } catch (IllegalArgumentException e) {
                LOG.warn("mpd {}: spawn for job {} refused: {}", selfId(), parent.spec.jid(), e.getMessage());
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
                List.of(), 0, List.of(), List.of(selfId()), new int[] {0}, fanout, graceMillis, List.of(), "");
        Job job = new Job(spec, 0);
        job.root = new RootState(console, 1);
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
            LOG.info("mpd {}: singleton {} went away: {}", selfId(), job.spec.jid(), e.getMessage());
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

    // ---------------------------------------------------------------- state

    /** This mpd's part of one job. */
    private final class Job {
        final JobSpec spec;
        final int index;
        final Map<Integer, LocalRank> ranks = new ConcurrentHashMap<>();
        final Map<JobSpec.RankSet, Launchable> launchables = new ConcurrentHashMap<>();
        final JobKvs kvs;
        final PmiJob pmi = new JobPmi(this);
        final Optional<String> mapping;
        RootState root;
        PmiSession singleton;

        Job(JobSpec spec, int index) {
            this.spec = spec;
            this.index = index;
            Map<String, String> preput = new LinkedHashMap<>();
            for (String entry : spec.preput()) {
                put(preput, entry);
            }
            this.kvs = new JobKvs("kvs_" + spec.jid().replaceAll("[^A-Za-z0-9_]", "_"), spec.ranksOn(index).size(),
                    spec.childrenOf(index).size(), preput);
            this.mapping = ProcessMapping.of(spec.rankHost());
        }
    }

    /** A rank running on this mpd. */
    private static final class LocalRank {
        final int rank;
        int pid;
        int pmiid;
        volatile PmiSession session;
        boolean exited;
        int waitStatus;
        StdinWriter stdin;
        java.util.concurrent.ScheduledFuture<?> killTimer;

        LocalRank(int rank) {
            this.rank = rank;
        }
    }

    /** What the root keeps: mpiexec's link and every rank's end. */
    private static final class RootState {
        final Link console;
        final int[] status;
        int exited;
        Failure failure;
        boolean done;
        int liveChildren;
        Job parent;

        RootState(Link console, int size) {
            this.console = console;
            this.status = new int[size];
            java.util.Arrays.fill(status, -1);
        }
    }

    private record Failure(int status, String reason) {
    }

    /** Feeds rank 0's standard input from its own thread, so a rank that does not read blocks nobody else. */
    private static final class StdinWriter {
        private static final byte[] EOF = new byte[0];
        private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        private final int fd;
        private boolean closed;

        StdinWriter(String jid, int fd) {
            this.fd = fd;
            Thread.ofPlatform().daemon().name("mpd-stdin-" + jid).start(this::run);
        }

        synchronized void write(byte[] data) {
            if (!closed) {
                queue.add(data);
            }
        }

        synchronized void close() {
            if (!closed) {
                closed = true;
                queue.add(EOF);
            }
        }

        private void run() {
            try {
                while (true) {
                    byte[] data = queue.take();
                    if (data == EOF) {
                        break;
                    }
                    Posix.write(fd, data);
                }
            } catch (IOException | InterruptedException e) {
                // The rank closed its input or exited; the rest is dropped.
            } finally {
                Posix.close(fd);
            }
        }
    }
}
