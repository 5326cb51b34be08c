package org.sss.mpd.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sss.mpd.internal.pmi.JobKvs;
import org.sss.mpd.internal.pmi.PmiJob;
import org.sss.mpd.internal.pmi.PmiSession;
import org.sss.mpd.internal.pmi.ProcessMapping;

/**
 * This mpd's part of one job: the placed spec, its index in the launch tree, its local ranks and co-processes, its
 * share of the key-value space, and (on the root only) the {@link JobRoot}.
 */
final class Job {
    final JobSpec spec;
    final int index;
    final Map<Integer, LocalRank> ranks = new ConcurrentHashMap<>();
    final List<LocalRank> coProcesses = new CopyOnWriteArrayList<>();
    final JobKvs kvs;
    final Optional<String> mapping;
    PmiJob pmi;
    JobRoot root;
    /** The job that spawned this one (on the root only), or null. */
    Job parent;
    PmiSession singleton;

    Job(JobSpec spec, int index) {
        this.spec = spec;
        this.index = index;
        Map<String, String> preput = new LinkedHashMap<>();
        for (String entry : spec.preput()) {
            int equals = entry.indexOf('=');
            if (equals > 0) {
                preput.put(entry.substring(0, equals), entry.substring(equals + 1));
            }
        }
        this.kvs = new JobKvs("kvs_" + spec.jid().replaceAll("[^A-Za-z0-9_]", "_"), spec.ranksOn(index).size(),
                spec.childrenOf(index).size(), preput);
        this.mapping = ProcessMapping.of(spec.rankHost());
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
