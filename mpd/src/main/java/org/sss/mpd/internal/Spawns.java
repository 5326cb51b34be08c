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
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final PmiJobs pmiJobs;
    private final JobLaunch launch;
    private final int fanout;
    private final Map<Long, IntConsumer> pending = new ConcurrentHashMap<>();

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
                JobSpec.Supervision.ATTACHED, parent.spec.pmi());
        long request = table.newRequest();
        pending.put(request, result);
        MpdMessage message = MpdMessage.of("job-spawn").with("jid", parent.jid()).with("req", request)
                .with("from", selfId()).body(JobSpecCodec.encode(child)).build();
        if (parent.index == 0) {
            try {
                onSpawn(message);
            } catch (MalformedMessageException e) {
                pending.remove(request).accept(-1);
            }
            return;
        }
        if (!peers.send(ring.membership(), parent.spec.treeHosts().getFirst(), message)) {
            pending.remove(request).accept(-1);
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
        if (parent == null || parent.root == null) {
            rc = -1;
        } else {
            try {
                Placement placement = Placement.of(request, ring.membership(), selfId());
                String jid = table.newJid();
                JobSpec spec = request.placed(jid, placement.tree(), placement.rankHost(), fanout, request.graceMillis());
                Job child = pmiJobs.newJob(spec, 0);
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
            }
        }
        MpdMessage answer = MpdMessage.of("job-spawn-result").with("req", message.require("req")).with("rc", rc).build();
        String from = message.require("from");
        if (from.equals(selfId())) {
            onSpawnResult(answer);
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
        IntConsumer result = pending.remove(message.number("req"));
        if (result != null) {
            result.accept((int) message.number("rc"));
        }
    }
}
