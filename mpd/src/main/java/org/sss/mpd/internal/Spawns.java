package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmi.SpawnRequest;

/**
 * {@code MPI_Comm_spawn}: a rank's request becomes a child job started by the parent job's root. The rank's mpd
 * sends {@code job-spawn} (the child's spec) to that root, which places and starts the child like a launch — its
 * reports go to the parent's console, and the parent ends only after it — and answers {@code job-spawn-result};
 * the rank then gets its {@code spawn_result}. A child runs as the parent's first set's user, with its limits, in
 * the parent's working directory unless the spawn's info names one, with the spawn's preput keys in its key-value
 * space. Thread-safe.
 */
final class Spawns {
    private static final Logger LOG = LoggerFactory.getLogger(Spawns.class);
    /** The preput key that carries a PMIx spawn's parent process to the child's registration. */
    static final String PMIX_PARENT = "sss.pmix.parent";
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final PmiJobs pmiJobs;
    private final JobLaunch launch;
    private final int fanout;
    private final Map<Long, Result> pending = new ConcurrentHashMap<>();

    /** What a spawning rank is told. */
    interface Result {
        /**
         * @param rc       0 once the child job started, -1 if it could not
         * @param childJid the child job's id (when rc is 0), or null
         */
        void spawned(int rc, String childJid);
    }

    /**
     * @param ring    the ring (this mpd, the members to place on)
     * @param peers   connections to other mpds
     * @param table   the jobs
     * @param pmiJobs makes this mpd's part of a child job
     * @param launch  starts it down its tree
     * @param fanout  children per tree node
     */
    Spawns(Ring ring, Peers peers, JobTable table, PmiJobs pmiJobs, JobLaunch launch, int fanout) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.pmiJobs = pmiJobs;
        this.launch = launch;
        this.fanout = fanout;
    }

    /**
     * @param spec a job
     * @return whether a rank's PMIx_Spawn started it: its hosts then report their ranks' start to the root, whose
     *         answer to the spawner waits for them
     */
    static boolean pmixSpawned(JobSpec spec) {
        return spec.spawned() && spec.preput().stream().anyMatch(p -> p.startsWith(PMIX_PARENT + "="));
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * A rank asked to spawn: the parent's root starts the child job; the answer comes back here.
     *
     * @param parent   this mpd's part of the spawning job
     * @param commands what to start
     * @param result   receives 0 once the child job started, -1 if it could not
     */
    void request(Job parent, List<SpawnRequest.Command> commands, IntConsumer result) {
        request(parent, commands, null, (rc, jid) -> result.accept(rc));
    }

    /**
     * A rank asked to spawn: the parent's root starts the child job; the answer comes back here.
     *
     * @param parent    this mpd's part of the spawning job
     * @param commands  what to start
     * @param pmixAsker for PMIx's spawn, the spawning process ({@code NSPACE:RANK}, the child's
     *                  {@code PMIX_PARENT_ID}): the answer then comes once every child rank has started, when the
     *                  child's namespace is registered on all its hosts; null for PMI-1's
     * @param result    receives the outcome
     */
    void request(Job parent, List<SpawnRequest.Command> commands, String pmixAsker, Result result) {
        List<JobSpec.RankSet> sets = new ArrayList<>();
        List<String> preput = new ArrayList<>();
        if (pmixAsker != null) {
            preput.add(PMIX_PARENT + "=" + pmixAsker);
        }
        String wdir = parent.spec.wdir();
        for (SpawnRequest.Command command : commands) {
            JobSpec.RankSet parentSet = parent.spec.sets().getFirst();
            sets.add(new JobSpec.RankSet(command.nprocs(), command.exec(), command.args(), command.env(), parentSet.runAs(),
                    parentSet.limits(), "", ""));
            command.preput().forEach((k, v) -> preput.add(k + "=" + v));
            wdir = command.info().getOrDefault("wdir", wdir);
        }
        JobSpec child = new JobSpec("", parent.spec.user(), wdir, parent.spec.output(), parent.spec.env(), sets,
                JobSpec.Wishes.NONE, List.of(), new int[0], fanout, parent.spec.graceMillis(), preput, parent.jid(),
                JobSpec.Supervision.ATTACHED, parent.spec.pmi(), parent.spec.confinement());
        long request = table.newRequest();
        pending.put(request, result);
        MpdMessage message = MpdMessage.of("job-spawn").with("jid", parent.jid()).with("req", request)
                .with("from", selfId()).with("started", pmixAsker != null ? 1 : 0).body(JobSpecCodec.encode(child)).build();
        if (parent.index == 0) {
            try {
                onSpawn(message);
            } catch (MalformedMessageException e) {
                pending.remove(request).spawned(-1, null);
            }
            return;
        }
        if (!peers.send(ring.membership(), parent.spec.treeHosts().getFirst(), message)) {
            pending.remove(request).spawned(-1, null);
        }
    }

    /**
     * Handles {@code job-spawn} at the parent's root: places and starts the child job, then answers.
     *
     * @param message the request, the child's spec as its body
     * @throws MalformedMessageException if fields are missing or the spec is malformed
     */
    void onSpawn(MpdMessage message) throws MalformedMessageException {
        Job parent = table.get(message.require("jid"));
        JobSpec request = JobSpecCodec.decode(message.body());
        int rc = 0;
        Job child = null;
        if (parent == null || parent.root == null) {
            rc = -1;
        } else if (parent.stopping || parent.root.isDone()) {
            LOG.info("mpd {}: spawn for job {} refused: the job is ending", selfId(), parent.jid());
            rc = -1; // a child started now would outlive its parent's kill
        } else {
            try {
                Placement placement = ConfinedPlacement.of(request.confinedTo(parent.spec.confinement(), request.wishes()),
                        ring.membership(), selfId());
                String jid = table.newJid();
                JobSpec spec = request.confinedTo(parent.spec.confinement(), request.wishes())
                        .placed(jid, placement.tree(), placement.rankHost(), fanout, request.graceMillis());
                child = pmiJobs.newJob(spec, 0);
                child.root = new JobRoot(spec, null, parent.root);
                child.parent = parent;
                parent.root.childStarted();
                table.add(child);
                LOG.info("mpd {}: job {} spawned job {} of {} ranks ({})", selfId(), parent.jid(), jid, spec.size(),
                        spec.sets().getFirst().exec());
                launch.start(child);
            } catch (IllegalArgumentException e) {
                LOG.warn("mpd {}: spawn for job {} refused: {}", selfId(), parent.jid(), e.getMessage());
                rc = -1;
                child = null;
            }
        }
        MpdMessage.Builder result = MpdMessage.of("job-spawn-result").with("req", message.require("req")).with("rc", rc);
        MpdMessage answer = (child == null ? result : result.with("child", child.jid())).build();
        String from = message.require("from");
        if (child != null && "1".equals(message.get("started"))) {
            child.root.whenStarted(() -> answer(from, answer));
        } else {
            answer(from, answer);
        }
    }

    private void answer(String from, MpdMessage answer) {
        if (from.equals(selfId())) {
            try {
                onSpawnResult(answer);
            } catch (MalformedMessageException e) {
                LOG.warn("mpd {}: malformed spawn answer: {}", selfId(), e.getMessage());
            }
        } else {
            peers.send(ring.membership(), from, answer);
        }
    }

    /**
     * Handles {@code job-spawn-result}: the spawning rank gets its {@code spawn_result}.
     *
     * @param message the answer
     * @throws MalformedMessageException if {@code req} or {@code rc} is missing
     */
    void onSpawnResult(MpdMessage message) throws MalformedMessageException {
        Result result = pending.remove(message.number("req"));
        if (result != null) {
            result.spawned((int) message.number("rc"), message.get("child"));
        }
    }
}
