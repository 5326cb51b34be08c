package org.sss.mpd.internal;

import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.UnixSignals;

/**
 * What members leaving or dying from the ring mean for jobs: a job whose root is gone is forgotten here and its
 * local ranks killed (nobody would account for them); a job led here ends with a message naming each lost host of
 * its tree (its ranks there count as exited with {@link JobRoot#HOST_LOST}); a host below a lost one sends its ranks'
 * exits again straight to the root (they may have been lost with it); signal reports stop waiting for them.
 * Thread-safe.
 */
final class HostLoss {
    private static final Logger LOG = LoggerFactory.getLogger(HostLoss.class);
    private final Ring ring;
    private final JobTable table;
    private final RankControl control;
    private final JobAccounting accounting;
    private final SignalReports reports;
    private final JobTree tree;

    /**
     * @param ring       the ring (this mpd's id)
     * @param table      the jobs
     * @param control    kills local ranks
     * @param accounting ends jobs led here
     * @param reports    signal reports being gathered
     * @param tree       sends this host's reports toward roots
     */
    HostLoss(Ring ring, JobTable table, RankControl control, JobAccounting accounting, SignalReports reports,
             JobTree tree) {
        this.ring = ring;
        this.table = table;
        this.control = control;
        this.accounting = accounting;
        this.reports = reports;
        this.tree = tree;
    }

    /** @param lost ids of the members gone */
    void membersGone(Set<String> lost) {
        for (Job job : table.all()) {
            String rootId = job.spec.treeHosts().getFirst();
            if (lost.contains(rootId)) {
                if (table.remove(job)) {
                    LOG.warn("mpd {}: root {} of job {} is gone; killing its local ranks", ring.self().id(), rootId, job.jid());
                }
                control.killLocal(job, UnixSignals.KILL, -1, true);
                continue;
            }
            if (job.root == null) {
                tree.resendExits(job, lost);
                continue;
            }
            for (String host : job.spec.treeHosts()) {
                if (lost.contains(host)) {
                    accounting.hostFailed(job, host, "was lost (its mpd left the ring)");
                }
            }
        }
        reports.hostsLost(lost);
    }
}
