package org.sss.mpd.internal;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmi.SpawnRequest;
import org.sss.mpd.internal.pmix.PmixHelper;
import org.sss.mpd.internal.pmix.PmixSpawnApps;

/**
 * {@code PMIx_Spawn} (Open MPI's {@code MPI_Comm_spawn}): a local rank's request becomes a child job by the path
 * PMI-1's spawn takes ({@link Spawns}), started by the parent job's root, in a new namespace ({@code sss.} and the
 * child's job id) whose ranks are given the spawning process as {@code PMIX_PARENT_ID}. The library's callback gets
 * the namespace once every child rank has started, so the namespace is registered wherever it has ranks before the
 * parent connects to it. The child job ends as PMI-1's spawned jobs do: its parent ends only after it. Thread-safe.
 */
final class PmixSpawns {
    private static final Logger LOG = LoggerFactory.getLogger(PmixSpawns.class);

    /** Starts a child job (the job manager's {@link Spawns}). */
    interface Spawner {
        /**
         * @param parent   this mpd's part of the spawning job
         * @param commands what to start
         * @param asker    the spawning process, {@code NSPACE:RANK}
         * @param result   receives the outcome
         */
        void spawn(Job parent, List<SpawnRequest.Command> commands, String asker, Spawns.Result result);
    }

    private final String self;
    private final Function<String, Job> byNspace;
    private final Supplier<PmixHelper> helper;
    private final Spawner spawner;

    /**
     * @param self     this mpd's id, for the log
     * @param byNspace the job registered under a namespace here, or null
     * @param helper   the running PMIx helper, or null
     * @param spawner  starts child jobs
     */
    PmixSpawns(String self, Function<String, Job> byNspace, Supplier<PmixHelper> helper, Spawner spawner) {
        this.self = self;
        this.byNspace = byNspace;
        this.helper = helper;
        this.spawner = spawner;
    }

    /**
     * The library's upcall: a local rank called {@code PMIx_Spawn}.
     *
     * @param id     the library's request
     * @param nspace the rank's namespace
     * @param rank   the rank
     * @param apps   the applications ({@link PmixSpawnApps})
     */
    void spawn(long id, String nspace, long rank, byte[] apps) {
        Job parent = byNspace.apply(nspace);
        if (parent == null) {
            LOG.warn("mpd {}: pmix: spawn from a rank of unknown namespace {}", self, nspace);
            answer(id, "error", null);
            return;
        }
        List<SpawnRequest.Command> commands;
        try {
            commands = PmixSpawnApps.parse(apps);
        } catch (IllegalArgumentException e) {
            LOG.warn("mpd {}: job {} rank {}: PMIx_Spawn refused: {}", self, parent.jid(), rank, e.getMessage());
            answer(id, "error", null);
            return;
        }
        // Off the helper's reader thread: starting the child here waits for the helper to register it.
        Thread.ofVirtual().name("mpd-pmix-spawn-" + parent.jid()).start(() ->
                spawner.spawn(parent, commands, nspace + ":" + rank, (rc, childJid) -> {
                    if (rc == 0 && childJid != null) {
                        answer(id, "ok", PmixJobs.NSPACE_PREFIX + childJid);
                    } else {
                        LOG.info("mpd {}: job {} rank {}: PMIx_Spawn failed", self, parent.jid(), rank);
                        answer(id, "error", null);
                    }
                }));
    }

    private void answer(long id, String status, String nspace) {
        PmixHelper server = helper.get();
        if (server != null) {
            server.spawnDone(id, status, nspace);
        }
    }
}
