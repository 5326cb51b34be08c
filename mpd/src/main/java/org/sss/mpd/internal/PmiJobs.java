package org.sss.mpd.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmi.JobKvs;
import org.sss.mpd.internal.names.NameTable;
import org.sss.mpd.internal.pmi.PmiJob;
import org.sss.mpd.internal.pmi.PmiNames;
import org.sss.mpd.internal.pmi.PmiSession;
import org.sss.mpd.internal.pmi.ProcessMapping;
import org.sss.mpd.internal.pmi.SpawnRequest;

/**
 * Makes this mpd's part of a job, with the job's PMI-1 view: what its ranks' PMI sessions see and call — the
 * job's size and appnums, the universe size, {@code PMI_process_mapping}, this mpd's share of the key-value space,
 * and what a fence ({@link KvsFences}), {@code MPI_Abort} ({@code job-abort} up the tree) and
 * {@code MPI_Comm_spawn} (the {@link Spawner}) do. With {@link PmiPort} and {@link KvsFences} this is where PMI-1
 * meets the rest of the mpd; a further process-management interface would attach its own view beside it.
 * Thread-safe.
 */
final class PmiJobs {
    private static final Logger LOG = LoggerFactory.getLogger(PmiJobs.class);

    /** What a rank's {@code MPI_Comm_spawn} does: asks the parent job's root to start a child job. */
    @FunctionalInterface
    interface Spawner {
        /**
         * @param parent   this mpd's part of the spawning job
         * @param commands what to start
         * @param result   receives 0 once the child job started, -1 if it could not
         */
        void spawn(Job parent, List<SpawnRequest.Command> commands, IntConsumer result);
    }

    private final Ring ring;
    private final KvsFences fences;
    private final JobTree tree;
    private final Spawner spawner;
    private final NameService names;

    /**
     * @param ring    the ring (this mpd, the universe size)
     * @param fences  carries fences over the tree
     * @param tree    carries aborts to the root
     * @param spawner starts spawned jobs
     * @param names   the ring's name service
     */
    PmiJobs(Ring ring, KvsFences fences, JobTree tree, Spawner spawner, NameService names) {
        this.ring = ring;
        this.fences = fences;
        this.tree = tree;
        this.spawner = spawner;
        this.names = names;
    }

    /**
     * @param spec  the placed job
     * @param index this mpd's index in its tree
     * @return this mpd's part of the job, with its PMI view
     */
    Job newJob(JobSpec spec, int index) {
        Job job = new Job(spec, index);
        job.pmi = new JobPmi(job);
        return job;
    }

    private String selfId() {
        return ring.self().id();
    }

    /** One mpd's PMI view of a job: what its local ranks' sessions call. */
    private final class JobPmi implements PmiJob {
        private final Job job;
        private final JobKvs kvs;
        private volatile Optional<String> mapping;

        JobPmi(Job job) {
            this.job = job;
            JobSpec spec = job.spec;
            Map<String, String> preput = new LinkedHashMap<>();
            for (String entry : spec.preput()) {
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    preput.put(entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
            this.kvs = new JobKvs("kvs_" + spec.jid().replaceAll("[^A-Za-z0-9_]", "_"), spec.ranksOn(job.index).size(),
                    spec.childrenOf(job.index).size(), preput);
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
            // Made when a rank first asks: O(job size), and a job whose ranks never ask (not MPI, or PMIx) pays
            // nothing for it on any of its hosts.
            Optional<String> made = mapping;
            if (made == null) {
                made = ProcessMapping.of(job.spec.rankHost());
                mapping = made;
            }
            return made;
        }

        @Override
        public JobKvs kvs() {
            return kvs;
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
            kvs.rankIn(release).ifPresent(contribution -> fences.fenceUp(job, contribution.puts()));
        }

        @Override
        public void abort(int rank, int code) {
            LOG.info("mpd {}: job {} rank {} called MPI_Abort({})", selfId(), job.jid(), rank, code);
            tree.sendUp(job, MpdMessage.of("job-abort").with("jid", job.jid()).with("rank", rank).with("code", code)
                    .with("host", selfId()).build());
        }

        @Override
        public void finalized(int rank) {
            LOG.debug("mpd {}: job {} rank {} finalized", selfId(), job.jid(), rank);
        }

        @Override
        public void spawn(int rank, List<SpawnRequest.Command> commands, IntConsumer result) {
            spawner.spawn(job, commands, result);
        }

        @Override
        public PmiNames names(int rank) {
            return new Pmi1Names(names, NameService.userOf(job.spec, rank),
                    new NameTable.Publisher(job.jid(), rank, selfId()));
        }
    }
}
