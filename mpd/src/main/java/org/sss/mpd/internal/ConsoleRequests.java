package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.client.UnixSignals;

/**
 * A console's requests about a running job — {@code kill}, {@code sigjob}, {@code stdin} — and what a console's
 * going means for its jobs. A request is carried out by the job's root: an mpd that does not lead the job passes
 * it on ({@code job-request}) to the mpd its id names. A job console (a console holding a job's key, not the
 * ring's secret) may only reach the jobs it launched itself. {@code kill} and {@code sigjob} are answered
 * {@code ok}, or {@code error} for an unknown job; a {@code sigjob} asking for a report gets {@code sigjob-done}
 * instead of {@code ok} and must go to the root; {@code stdin} gets no answer. When a console goes, the attached
 * jobs it launched are killed (nobody would read their output), a singleton it relayed ends, and detached jobs
 * run on. Thread-safe.
 */
final class ConsoleRequests {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRequests.class);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final RankControl control;
    private final Singletons singletons;
    private final JobConsoles consoles;

    /**
     * @param ring       the ring (this mpd, the members)
     * @param peers      connections to other mpds
     * @param table      the jobs
     * @param control    kills, signals and feeds jobs
     * @param singletons ends a singleton whose mpiexec went
     * @param consoles   the job console keys
     */
    ConsoleRequests(Ring ring, Peers peers, JobTable table, RankControl control, Singletons singletons,
                    JobConsoles consoles) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.control = control;
        this.singletons = singletons;
        this.consoles = consoles;
    }

    private String selfId() {
        return ring.self().id();
    }

    /**
     * Handles {@code kill}, {@code sigjob} and {@code stdin} from a console, answering as described above.
     *
     * @param console the console
     * @param message the request
     * @throws MalformedMessageException if fields are missing
     */
    void onRequest(Link console, MpdMessage message) throws MalformedMessageException {
        boolean quiet = "stdin".equals(message.cmd());
        boolean reported = message.get("report") != null;
        if (!request(console, message) && !quiet) {
            console.trySend(ConsoleMessages.error(message.get("jid"), message.get("report"),
                    "no job " + message.get("jid") + (reported ? " led by mpd " + selfId() : "")));
        } else if (!quiet && !reported) {
            console.trySend(ConsoleMessages.ok(message.get("jid")));
        }
    }

    /**
     * A console request about a job: handled here if this mpd is its root, else passed to the root. A
     * {@code sigjob} that asks for a delivery report must come to the root.
     *
     * @return whether the job exists (as far as this mpd can tell)
     */
    private boolean request(Link console, MpdMessage message) throws MalformedMessageException {
        String jid = message.require("jid");
        Job job = table.get(jid);
        if (console.scope().isPresent() && (job == null || job.root == null || job.root.console() != console)) {
            return false;
        }
        if (job == null || job.root == null) {
            int at = jid.indexOf('@');
            String rootId = at < 0 ? "" : jid.substring(at + 1);
            if (rootId.equals(selfId()) || message.get("report") != null) {
                return false;
            }
            return peers.send(ring.membership(), rootId, MpdMessage.of("job-request").with("jid", jid)
                    .with("what", message.cmd()).with("signal", message.get("signal")).with("rank", message.get("rank"))
                    .with("scope", message.get("scope")).with("eof", message.get("eof")).body(message.body()).build());
        }
        atRoot(job, message.cmd(), message, console);
        return true;
    }

    /**
     * Handles {@code job-request}: a console request another mpd passed to this root.
     *
     * @param message the request, {@code what} naming it
     * @throws MalformedMessageException if fields are missing
     */
    void onJobRequest(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job != null && job.root != null) {
            atRoot(job, message.require("what"), message, null);
        }
    }

    private void atRoot(Job job, String what, MpdMessage message, Link console) throws MalformedMessageException {
        switch (what) {
            case "kill" -> {
                int signal = (int) message.number("signal", UnixSignals.TERM);
                job.root.fail(128 + signal, "job killed with signal " + UnixSignals.name(signal) + " on request");
                control.killJob(job, signal);
            }
            case "sigjob" -> control.signalJob(job, message, console);
            case "stdin" -> {
                int host = job.spec.rankHost()[0];
                String hostId = job.spec.treeHosts().get(host);
                MpdMessage stdin = MpdMessage.of("job-stdin").with("jid", job.jid()).with("eof", message.get("eof"))
                        .body(message.body()).build();
                if (hostId.equals(selfId())) {
                    control.onStdin(stdin);
                } else {
                    peers.send(ring.membership(), hostId, stdin);
                }
            }
            default -> throw new MalformedMessageException("unknown job request " + what);
        }
    }

    /**
     * A console went away: attached jobs it launched are killed (nobody would read their output); detached ones run on.
     *
     * @param console the console link that closed
     */
    void consoleClosed(Link console) {
        for (Job job : table.all()) {
            if (job.singleton != null && job.root.console() == console) {
                singletons.end(job);
                continue;
            }
            if (job.root != null && job.parent == null && job.root.consoleClosed(console)) {
                LOG.warn("mpd {}: mpiexec of job {} disconnected; killing the job", selfId(), job.jid());
                job.root.fail(JobRoot.HOST_LOST, "mpiexec disconnected");
                control.killJob(job, UnixSignals.TERM);
            }
        }
        for (Job job : table.endedJobs()) {
            job.root.consoleClosed(console);
        }
    }

    /** @return the keys of job consoles this mpd accepts now: those of the jobs with ranks here */
    List<SharedKey> consoleKeys() {
        List<JobSpec> local = new ArrayList<>();
        for (Job job : table.all()) {
            if (!job.ranks.isEmpty()) {
                local.add(job.spec);
            }
        }
        return consoles.keysOf(local);
    }
}
