package org.sss.mpd.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.internal.pmix.PmixFence;
import org.sss.mpd.internal.pmix.PmixHelper;

/**
 * PMIx data between the hosts of a job, over the mpd wire. Fences go over the job's launch tree as PMI-1's do
 * ({@link PmixFence}): a subtree's contributions go up in one {@code pmix-fence}, every host's come back down in
 * {@code pmix-commit}, and each mpd gives them to its library. Direct modex asks the host of the rank whose data is
 * wanted: {@code pmix-dmodex} to that host, whose library answers once the rank has committed its data, and
 * {@code pmix-dmodex-data} back. A request about a job or namespace this mpd does not know is answered as not
 * found, never dropped, so no rank waits for an answer that cannot come. Thread-safe.
 */
final class PmixExchange {
    private static final Logger LOG = LoggerFactory.getLogger(PmixExchange.class);
    private static final byte[] NONE = new byte[0];
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final Supplier<PmixHelper> helper;
    private final Function<String, Job> byNspace;
    /** Direct modex requests of local ranks awaiting another host's answer: our request id → the library's. */
    private final Map<Long, Asked> asked = new ConcurrentHashMap<>();
    /** Direct modex requests of other hosts awaiting our library: the id it was given → who asked. */
    private final Map<Long, Asker> askers = new ConcurrentHashMap<>();
    private final AtomicLong nextAsk = new AtomicLong(1);

    private record Asked(String jid, long libraryId) {
    }

    private record Asker(String jid, String from, long request) {
    }

    /**
     * @param ring     the ring (this mpd, the members)
     * @param peers    connections to other mpds
     * @param table    the jobs
     * @param helper   the running PMIx helper, or null
     * @param byNspace the job registered under a namespace here, or null
     */
    PmixExchange(Ring ring, Peers peers, JobTable table, Supplier<PmixHelper> helper, Function<String, Job> byNspace) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.helper = helper;
        this.byNspace = byNspace;
    }

    private String selfId() {
        return ring.self().id();
    }

    // ---------------------------------------------------------------- fences

    /**
     * The library's contribution for this host to a fence.
     *
     * @param id     its request, answered when the fence completes
     * @param nspace the namespace
     * @param data   the contribution
     */
    void localFence(long id, String nspace, byte[] data) {
        Job job = byNspace.apply(nspace);
        if (job == null) {
            LOG.warn("mpd {}: pmix: fence in unknown namespace {}", selfId(), nspace);
            PmixHelper server = helper.get();
            if (server != null) {
                server.fenceDone(id, "error", NONE);
            }
            return;
        }
        job.pmixFence.localIn(id, data).ifPresent(subtree -> up(job, subtree));
    }

    private void up(Job job, byte[] subtree) {
        if (job.index == 0) {
            commit(job, subtree);
            return;
        }
        String parentId = job.spec.treeHosts().get(job.spec.parentOf(job.index));
        if (!peers.send(ring.membership(), parentId, MpdMessage.of("pmix-fence").with("jid", job.jid()).body(subtree).build())) {
            LOG.warn("mpd {}: job {}: pmix fence cannot reach parent {}", selfId(), job.jid(), parentId);
        }
    }

    private void commit(Job job, byte[] all) {
        if (!job.spec.childrenOf(job.index).isEmpty()) {
            MpdMessage down = MpdMessage.of("pmix-commit").with("jid", job.jid()).body(all).build();
            for (int child : job.spec.childrenOf(job.index)) {
                peers.send(ring.membership(), job.spec.treeHosts().get(child), down);
            }
        }
        PmixHelper server = helper.get();
        for (long id : job.pmixFence.complete()) {
            if (server != null) {
                server.fenceDone(id, "ok", all);
            }
        }
    }

    /**
     * Handles {@code pmix-fence} from a child: its subtree has entered the fence.
     *
     * @param message the subtree's contributions as its body
     * @throws MalformedMessageException if the jid is missing
     */
    void onFence(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job != null) {
            job.pmixFence.childIn(message.body()).ifPresent(subtree -> up(job, subtree));
        }
    }

    /**
     * Handles {@code pmix-commit} from the parent: every host's contributions.
     *
     * @param message the contributions as its body
     * @throws MalformedMessageException if the jid is missing
     */
    void onCommit(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job != null) {
            commit(job, message.body());
        }
    }

    // ---------------------------------------------------------------- direct modex

    /**
     * A local rank wants data of a rank on another host.
     *
     * @param libraryId the library's request
     * @param nspace    the namespace
     * @param rank      the rank whose data is wanted
     */
    void directModex(long libraryId, String nspace, long rank) {
        Job job = byNspace.apply(nspace);
        if (job == null || rank < 0 || rank >= job.spec.size()) {
            answerLocal(libraryId, "not-found", NONE);
            return;
        }
        String host = job.spec.treeHosts().get(job.spec.rankHost()[(int) rank]);
        long request = table.newRequest();
        asked.put(request, new Asked(job.jid(), libraryId));
        MpdMessage ask = MpdMessage.of("pmix-dmodex").with("jid", job.jid()).with("rank", rank).with("req", request)
                .with("from", selfId()).build();
        if (host.equals(selfId())) {
            serve(ask);
        } else if (!peers.send(ring.membership(), host, ask)) {
            asked.remove(request);
            answerLocal(libraryId, "unreachable", NONE);
        }
    }

    private void answerLocal(long libraryId, String status, byte[] data) {
        PmixHelper server = helper.get();
        if (server != null) {
            server.modexDone(libraryId, status, data);
        }
    }

    /**
     * Handles {@code pmix-dmodex}: another host wants a local rank's data.
     *
     * @param message the request
     * @throws MalformedMessageException if a field is missing
     */
    void onDirectModex(MpdMessage message) throws MalformedMessageException {
        message.require("jid");
        message.require("from");
        message.number("rank");
        message.number("req");
        serve(message);
    }

    private void serve(MpdMessage ask) {
        String jid = ask.get("jid");
        Job job = table.get(jid);
        PmixHelper server = helper.get();
        long rank = Long.parseLong(ask.get("rank"));
        if (job == null || job.pmixNspace == null || server == null) {
            reply(ask.get("from"), jid, Long.parseLong(ask.get("req")), "not-found", NONE);
            return;
        }
        long id = nextAsk.getAndIncrement();
        askers.put(id, new Asker(jid, ask.get("from"), Long.parseLong(ask.get("req"))));
        server.modexGet(id, job.pmixNspace, rank);
    }

    /**
     * The library's answer to a request {@link #serve} passed it.
     *
     * @param id     the id it was given
     * @param status its status
     * @param data   the rank's data
     */
    void modexData(long id, String status, byte[] data) {
        Asker asker = askers.remove(id);
        if (asker != null) {
            reply(asker.from(), asker.jid(), asker.request(), status, data);
        }
    }

    private void reply(String to, String jid, long request, String status, byte[] data) {
        MpdMessage answer = MpdMessage.of("pmix-dmodex-data").with("jid", jid).with("req", request).with("status", status)
                .body(data).build();
        if (to.equals(selfId())) {
            answered(answer);
        } else if (!peers.send(ring.membership(), to, answer)) {
            LOG.warn("mpd {}: job {}: pmix direct modex answer cannot reach {}", selfId(), jid, to);
        }
    }

    /**
     * Handles {@code pmix-dmodex-data}: the answer to a local rank's request.
     *
     * @param message the answer
     * @throws MalformedMessageException if a field is missing
     */
    void onDirectModexData(MpdMessage message) throws MalformedMessageException {
        message.number("req");
        message.require("status");
        answered(message);
    }

    private void answered(MpdMessage answer) {
        Asked request = asked.remove(Long.parseLong(answer.get("req")));
        if (request != null) {
            answerLocal(request.libraryId(), answer.get("status"), answer.body());
        }
    }

    /**
     * Forgets what is pending for a job that ended here.
     *
     * @param jid the job
     */
    void forget(String jid) {
        asked.values().removeIf(a -> a.jid().equals(jid));
        askers.values().removeIf(a -> a.jid().equals(jid));
    }
}
