package org.sss.mpd.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sss.mpd.internal.pmi.PmiJob;
import org.sss.mpd.internal.pmi.PmiSession;
import org.sss.mpd.internal.pmix.PmixFence;

/**
 * This mpd's part of one job: the placed spec, its index in the launch tree, its local ranks and co-processes, the
 * job's PMI-1 view here (with its share of the key-value space; see {@link PmiJobs}), its PMIx namespace and
 * fence here ({@link PmixJobs}), and on the root only the {@link JobRoot}.
 */
final class Job {
    final JobSpec spec;
    final int index;
    final Map<Integer, LocalRank> ranks = new ConcurrentHashMap<>();
    final List<LocalRank> coProcesses = new CopyOnWriteArrayList<>();
    /** Set by {@link PmiJobs#newJob} before the job is shared. */
    PmiJob pmi;
    JobRoot root;
    /** The job that spawned this one (on the root only), or null. */
    Job parent;
    /** A singleton's PMI conversation, relayed by its mpiexec (see {@link Singletons}); null for other jobs. */
    PmiSession singleton;
    /** How many of the job's ranks this mpd runs. */
    final int localRankCount;
    /** This mpd's part in the job's PMIx fences. */
    final PmixFence pmixFence;
    /** The job's PMIx namespace while it is registered with this mpd's PMIx server, else null. */
    volatile String pmixNspace;

    Job(JobSpec spec, int index) {
        this.spec = spec;
        this.index = index;
        int local = 0;
        for (int host : spec.rankHost()) {
            local += host == index ? 1 : 0;
        }
        this.localRankCount = local;
        this.pmixFence = new PmixFence(local > 0, spec.childrenOf(index).size());
    }

    /** @return whether every local rank has been started (or failed to) and has exited */
    boolean allLocalRanksEnded() {
        return ranks.size() >= localRankCount && localRanksDone();
    }

    /** @return the job id */
    String jid() {
        return spec.jid();
    }

    /** @return whether every local rank has exited */
    boolean localRanksDone() {
        for (LocalRank local : ranks.values()) {
            synchronized (local) {
                if (!local.exited) {
                    return false;
                }
            }
        }
        return true;
    }
}
