package org.sss.mpd.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    /**
     * The events about lost ranks handed to this mpd's PMIx server for the job ({@link RankLossEvents}), complete
     * once the server has passed them on to the local ranks; a kill of the job here waits for them, briefly.
     */
    volatile CompletableFuture<?> pmixEvents = CompletableFuture.completedFuture(null);
    /** Whether registering the job here with the PMIx server is over, done or not (pmixNspace says which). */
    volatile boolean pmixDecided;
    /** The job is being killed or forgotten here: a rank still being started must not run on (see {@link LocalRank#doom}). */
    volatile boolean stopping;
    /**
     * What jobs started from this part of the job used (its mpiexecs' jobs, rooted here), passed up with this
     * part's last local rank's end; the whole job's is its root's ({@link JobRoot#usage}).
     */
    final UsageTally nested = new UsageTally();
    /** On the root of a job launched by a job console: the job whose key the console held (its part here), else null. */
    volatile String scopeJid;
    /** Whether this part of the job has passed its use up (only the last local rank's end carries it). */
    boolean usageSent;
    /** Whether this host holds the job's output: its console is behind ({@link OutputFlow}). */
    volatile boolean outputHeld;
    /** The number of the last {@code job-flow} taken here; guarded by the job's monitor. */
    long flowNumber;
    /**
     * Whether this host's co-processes of the job are still being started (they start after the ranks): meanwhile no
     * end retires the job here, and co-processes' ends wait in {@link #heldCoExits}. Guarded by the job's monitor.
     */
    boolean coProcessesStarting;
    /** Co-processes' ends that came while they were being started; guarded by the job's monitor. */
    final List<Runnable> heldCoExits = new java.util.ArrayList<>();

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
