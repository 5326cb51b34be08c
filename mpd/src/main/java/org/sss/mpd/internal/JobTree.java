package org.sss.mpd.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import org.sss.mpd.client.UnixSignals;

/**
 * Carries a job's reports up its launch tree — the k-ary tree over the job's hosts, root first (see
 * {@link JobSpec#parentOf}) — from this mpd to the root: output, exits, pids, aborts and failed hosts. A report
 * goes to the parent, or straight to the root when the parent cannot be reached; at the root it goes to
 * {@link JobAccounting}. A host that can reach neither has lost its root: it forgets the job and kills its ranks
 * of it. Messages are passed on as they came, never re-encoded. Thread-safe.
 */
final class JobTree {
    private static final Logger LOG = LoggerFactory.getLogger(JobTree.class);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final JobAccounting accounting;
    private final RankControl control;

    /**
     * @param ring       the ring (this mpd, the members)
     * @param peers      connections to other mpds
     * @param table      the jobs
     * @param accounting what the root does with the reports
     * @param control    kills the local ranks of a job whose root is lost
     */
    JobTree(Ring ring, Peers peers, JobTable table, JobAccounting accounting, RankControl control) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.accounting = accounting;
        this.control = control;
    }

    /**
     * Sends toward the root: through the parent, or straight to the root when the parent cannot be reached.
     *
     * @param job     this mpd's part of the job
     * @param message the report
     */
    void sendUp(Job job, MpdMessage message) {
        if (job.index == 0) {
            accounting.atRoot(job, message);
            return;
        }
        JobSpec spec = job.spec;
        Membership members = ring.membership();
        String parentId = spec.treeHosts().get(spec.parentOf(job.index));
        if (peers.send(members, parentId, message)) {
            return;
        }
        if (!peers.send(members, spec.treeHosts().getFirst(), message)) {
            if (table.remove(job)) {
                LOG.warn("mpd {}: job {} lost its root; killing its local ranks", ring.self().id(), spec.jid());
            }
            control.killLocal(job, UnixSignals.KILL, -1, true);
        }
    }

    /**
     * Sends a local rank's exit toward the root, as {@link #sendUp} does; while the job is being killed or forgotten
     * here, also straight to the root (which counts a rank's exit once). A job is killed because one of its hosts
     * failed, and that host may be this one's parent: a report written to its connection in the moment before this
     * mpd has read the connection's end is lost, and the root would wait for the rank for ever. The root sent the
     * kill itself, so it can be reached; output keeps to the tree, so it stays in order.
     *
     * @param job     this mpd's part of the job
     * @param message the {@code job-exit}
     */
    void sendExitUp(Job job, MpdMessage message) {
        sendUp(job, message);
        if (job.stopping && job.index != 0 && job.spec.parentOf(job.index) != 0) {
            peers.send(ring.membership(), job.spec.treeHosts().getFirst(), direct(message));
        }
    }

    /**
     * Some of the job's hosts have gone from the ring: if one was on the way from this host to the root, the exits of
     * this host's ranks already sent up may have died with it (written to its connection before it went), and the
     * root would wait for those ranks for ever. Each is sent again, straight to the root, which counts a rank's exit
     * once.
     *
     * @param job  this mpd's part of the job (not the root's)
     * @param lost the mpd ids gone
     */
    void resendExits(Job job, java.util.Set<String> lost) {
        JobSpec spec = job.spec;
        boolean ancestorLost = false;
        for (int at = job.index; at != 0 && !ancestorLost; ) {
            at = spec.parentOf(at);
            ancestorLost = at != 0 && lost.contains(spec.treeHosts().get(at));
        }
        if (!ancestorLost) {
            return;
        }
        String rootId = spec.treeHosts().getFirst();
        int resent = 0;
        List<LocalRank> ended = new java.util.ArrayList<>(job.ranks.values());
        ended.addAll(job.coProcesses);
        for (LocalRank local : ended) {
            MpdMessage report = local.exitReport;
            if (report != null && peers.send(ring.membership(), rootId, direct(report))) {
                resent++;
            }
        }
        if (resent > 0) {
            LOG.info("mpd {}: job {}: a host between here and its root {} was lost; sent the ends of {} rank(s) and "
                    + "co-process(es) again straight to the root", ring.self().id(), spec.jid(), rootId, resent);
        }
    }

    /** @return the exit marked as the copy sent straight to the root, which waits there for the tree's copy */
    private static MpdMessage direct(MpdMessage exit) {
        MpdMessage.Builder copy = MpdMessage.of(exit.cmd());
        exit.fields().forEach((key, value) -> {
            if (!key.equals("cmd")) {
                copy.with(key, value);
            }
        });
        return copy.with("direct", 1).body(exit.body()).build();
    }

    /**
     * Handles {@code job-out}, {@code job-exit}, {@code job-spawned} and the like from a child: passes them on.
     *
     * @param message the report
     * @throws MalformedMessageException if the jid is missing
     */
    void onUpward(MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        Job job = table.get(jid);
        if (job != null) {
            sendUp(job, message);
            return;
        }
        // Not a job of this mpd: its start never came here (this host could not be reached in time, and the
        // grandparent started the children instead). The report goes to the root the job id names, so the job
        // still ends.
        int at = jid.lastIndexOf('@');
        String root = at < 0 ? "" : jid.substring(at + 1);
        if (!root.isEmpty() && !root.equals(ring.self().id()) && !peers.send(ring.membership(), root, message)) {
            LOG.debug("mpd {}: dropped {} of job {}: its root {} cannot be reached", ring.self().id(), message.cmd(),
                    jid, root);
        }
    }
}
