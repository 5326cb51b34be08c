package org.sss.mpd.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts jobs down their launch tree. The mpd a console launches through is the job's root: it confines a job
 * console's request to its scope, places the ranks ({@link Placement}), assigns the job id, answers
 * {@code job-launched} and starts the job. Every mpd of the job, on {@code job-start} from its parent (or the
 * root on its own), passes the start on to its children first and then starts its own ranks
 * ({@link LocalRanks}); a child it cannot reach is reported up as a failed host, and that child's children are
 * started from here instead. A detached job's hosts, and those of a
 * job started by PMIx_Spawn (whose spawner waits for its start), report their pids ({@code job-spawned}). Thread-safe.
 */
final class JobLaunch {
    private static final Logger LOG = LoggerFactory.getLogger(JobLaunch.class);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final PmiJobs pmiJobs;
    private final LocalRanks local;
    private final JobTree tree;
    private final int fanout;
    private final long graceMillis;
    private final OutputFlow flow;

    /**
     * @param ring        the ring (this mpd, the members to place on)
     * @param peers       connections to other mpds
     * @param table       the jobs
     * @param pmiJobs     makes this mpd's part of a job
     * @param local       starts the local ranks
     * @param tree        carries failures and pids up
     * @param fanout      children per tree node
     * @param graceMillis SIGTERM to SIGKILL delay of jobs that name none
     * @param flow        makes a job's console one whose sends never block
     */
    JobLaunch(Ring ring, Peers peers, JobTable table, PmiJobs pmiJobs, LocalRanks local, JobTree tree, int fanout,
              long graceMillis, OutputFlow flow) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.pmiJobs = pmiJobs;
        this.local = local;
        this.tree = tree;
        this.fanout = fanout;
        this.graceMillis = graceMillis;
        this.flow = flow;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * Handles {@code launch} from a console: places the job and starts it down the tree.
     *
     * @param console the console, which the job reports to
     * @param message the request, a job spec as its body
     * @throws MalformedMessageException if the spec is malformed
     */
    void launch(Link console, MpdMessage message) throws MalformedMessageException {
        JobSpec request = JobSpecCodec.decode(message.body());
        Placement placement;
        try {
            if (console.scope().isPresent()) {
                Job scoped = table.get(console.scope().get().jid());
                request = JobConsoles.confine(request, console.scope().get(),
                        scoped == null ? Confinement.NONE : scoped.spec.confinement());
            }
            placement = ConfinedPlacement.of(request, ring.membership(), selfId());
        } catch (IllegalArgumentException e) {
            LOG.info("mpd {}: launch from {} refused: {}", selfId(), console.describe(), e.getMessage());
            console.trySend(ConsoleMessages.error(null, null, e.getMessage()));
            return;
        }
        String jid = table.newJid();
        long grace = request.graceMillis() > 0 ? request.graceMillis() : graceMillis;
        JobSpec spec = request.placed(jid, placement.tree(), placement.rankHost(), fanout, grace);
        Job job = pmiJobs.newJob(spec, 0);
        flow.bind(console);
        job.root = new JobRoot(spec, console, null);
        job.scopeJid = console.scope().map(JobConsoles.Scope::jid).orElse(null);
        table.add(job);
        LOG.info("mpd {}: job {}{} of {} ranks on {} hosts from {} ({})", selfId(), jid,
                spec.supervision().detached() ? " (detached, " + spec.supervision().tag() + ")" : "", spec.size(),
                spec.treeHosts().size(), console.describe(), spec.sets().getFirst().exec());
        console.trySend(ConsoleMessages.launched(spec));
        start(job);
    }

    /**
     * Handles {@code job-start} from the parent.
     *
     * @param message the placed job spec as its body
     * @throws MalformedMessageException if the spec is malformed or does not include this mpd
     */
    void onStart(MpdMessage message) throws MalformedMessageException {
        Membership members = ring.membership();
        JobSpec spec = JobSpecCodec.decode(message.body(), id -> members.member(id).map(Member::id).orElse(id));
        int index = spec.treeHosts().indexOf(selfId());
        if (index < 0) {
            throw new MalformedMessageException("job-start for a job that does not include this mpd");
        }
        Job job = pmiJobs.newJob(spec, index);
        switch (table.admit(job)) {
            case DUPLICATE -> {
                return;
            }
            case OVER_BEFORE -> {
                LOG.info("mpd {}: job {}: its start came after its end; not started here", selfId(), spec.jid());
                return;
            }
            case KILLED_BEFORE -> {
                job.stopping = true;
                LOG.info("mpd {}: job {}: its start came after its kill; its ranks here are killed as they start",
                        selfId(), spec.jid());
            }
            case ADDED -> { }
        }
        // The children get the bytes as they came: encoding a spec is O(job size), and every host of the job would
        // otherwise pay it again for the same bytes.
        start(job, message.body());
    }

    /**
     * Starts this mpd's part of a job: the children first, then the local ranks.
     *
     * @param job this mpd's part, already in the table
     */
    void start(Job job) {
        start(job, JobSpecCodec.encode(job.spec));
    }

    private void start(Job job, byte[] encodedSpec) {
        JobSpec spec = job.spec;
        MpdMessage forward = MpdMessage.of("job-start").with("jid", spec.jid()).body(encodedSpec).build();
        startChildren(job, job.index, forward);
        String spawned = local.start(job);
        if ((spec.supervision().detached() || Spawns.pmixSpawned(spec)) && !spec.ranksOn(job.index).isEmpty()) {
            tree.sendUp(job, ConsoleMessages.spawned(spec.jid(), selfId(), spawned));
        }
    }

    /**
     * Passes the start to a tree node's children, trying each twice (a loaded host may miss one connect deadline,
     * and the first job after boot opens a new link to every child); a child that cannot be reached is reported
     * failed and its own children are started from here, so that its subtree does not wait for a start that will
     * never come (their reports go straight to the root when their parent cannot be reached).
     */
    private void startChildren(Job job, int node, MpdMessage forward) {
        JobSpec spec = job.spec;
        for (int child : spec.childrenOf(node)) {
            String childId = spec.treeHosts().get(child);
            if (!peers.send(ring.membership(), childId, forward) && !peers.send(ring.membership(), childId, forward)) {
                failHost(job, childId, "could not be reached to start the job");
                startChildren(job, child, forward);
            }
        }
    }

    private void failHost(Job job, String hostId, String why) {
        LOG.warn("mpd {}: job {}: host {} {}", selfId(), job.jid(), hostId, why);
        tree.sendUp(job, MpdMessage.of("job-host-failed").with("jid", job.jid()).with("host", hostId).with("why", why).build());
    }
}
