package org.sss.mpd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmi.PmiSession;

/**
 * MPICH's singleton init: an MPI program started without a process manager re-executes {@code mpiexec -pmi_args},
 * whose mpiexec asks its mpd for a one-rank job ({@code singleton}) whose only rank is that program, already
 * running. The mpd answers {@code singleton-ok} with the job id and key-value space; mpiexec then relays the
 * program's PMI lines ({@code pmi}) and the replies ({@code pmi-reply}), and says {@code singleton-end} when the
 * program closes its PMI connection — or its console goes — which ends the job: status 0 if the program finalised,
 * 1 if not. Thread-safe.
 */
final class Singletons {
    private static final Logger LOG = LoggerFactory.getLogger(Singletons.class);
    private final Ring ring;
    private final JobTable table;
    private final PmiJobs pmiJobs;
    private final LocalRanks local;
    private final int fanout;
    private final long graceMillis;

    /**
     * @param ring        the ring (this mpd)
     * @param table       the jobs
     * @param pmiJobs     makes the one-rank job's part here
     * @param local       reports the rank's end
     * @param fanout      children per tree node (recorded in the spec)
     * @param graceMillis SIGTERM to SIGKILL delay (recorded in the spec)
     */
    Singletons(Ring ring, JobTable table, PmiJobs pmiJobs, LocalRanks local, int fanout, long graceMillis) {
        this.ring = ring;
        this.table = table;
        this.pmiJobs = pmiJobs;
        this.local = local;
        this.fanout = fanout;
        this.graceMillis = graceMillis;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * Handles {@code singleton} from an mpiexec that an MPI program started without a process manager re-exec'd
     * ({@code mpiexec -pmi_args}): a one-rank job whose only rank is that already running program, its PMI lines
     * relayed by mpiexec.
     *
     * @param console the mpiexec
     * @param message the request: the program's {@code pid} and the {@code user}
     */
    void singleton(Link console, MpdMessage message) {
        String jid = table.newJid();
        String pid = message.get("pid");
        JobSpec spec = new JobSpec(jid, message.get("user") == null ? "" : message.get("user"), "/", "merged", List.of(),
                List.of(new JobSpec.RankSet(1, "singleton" + (pid == null ? "" : "-" + pid), List.of(), List.of())),
                JobSpec.Wishes.NONE, List.of(selfId()), new int[] {0}, fanout, graceMillis, List.of(), "",
                JobSpec.Supervision.ATTACHED, PmiMode.BOTH, scopedConfinement(console));
        Job job = pmiJobs.newJob(spec, 0);
        job.root = new JobRoot(spec, console, null);
        job.ranks.put(0, new LocalRank(0));
        table.add(job);
        job.singleton = PmiSession.bound(text -> console.send(ConsoleMessages.pmiReply(jid, text)),
                new PmiSession.Binding(job.pmi, 0, -1), console.describe());
        LOG.info("mpd {}: singleton job {} for pid {} from {}", selfId(), jid, pid, console.describe());
        console.trySend(ConsoleMessages.singletonOk(jid, job.pmi.kvs().kvsname()));
    }

    /**
     * Handles {@code pmi}: one line of a singleton's PMI conversation, relayed by its mpiexec.
     *
     * @param message the line(s) as its body
     * @throws MalformedMessageException if the job is not a singleton of this mpd
     */
    void onPmiRelay(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job == null || job.singleton == null) {
            throw new MalformedMessageException("pmi relay for unknown singleton job " + message.get("jid"));
        }
        try {
            for (String line : new String(message.body(), StandardCharsets.UTF_8).split("\n")) {
                job.singleton.line(line);
            }
        } catch (IOException e) {
            LOG.info("mpd {}: singleton {} went away: {}", selfId(), job.jid(), e.getMessage());
        }
    }

    /**
     * Handles {@code singleton-end}: the singleton closed its PMI connection.
     *
     * @param message the notice
     * @throws MalformedMessageException if the jid is missing
     */
    void onSingletonEnd(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job != null && job.singleton != null) {
            end(job);
        }
    }

    /** @param job a singleton's job whose program is gone: its rank exits, 0 if it finalised, else 1 */
    void end(Job job) {
        LocalRank rank0 = job.ranks.get(0);
        boolean finalized = !job.singleton.active();
        local.exited(job, rank0, finalized ? 0 : 1 << 8, finalized ? null : "the singleton ended without MPI_Finalize");
    }

    /** A singleton in a job (its console holds a job key) is held to that job's confinement, as its spawns are. */
    private Confinement scopedConfinement(Link console) {
        Job scoped = console.scope().map(scope -> table.get(scope.jid())).orElse(null);
        return scoped == null ? Confinement.NONE : scoped.spec.confinement();
    }
}
