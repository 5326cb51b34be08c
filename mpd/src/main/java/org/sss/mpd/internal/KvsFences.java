package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PMI-1 fences over a job's launch tree (see {@link org.sss.mpd.internal.pmi.JobKvs}): when this mpd's subtree
 * has entered a fence, its puts go up to the parent in one {@code kvs-fence}; the root, holding the union of the
 * whole job's puts, sends it back down in {@code kvs-commit}, and every mpd commits it and releases its ranks.
 * Puts travel as {@code KEY=value} lines. Thread-safe.
 */
final class KvsFences {
    private static final Logger LOG = LoggerFactory.getLogger(KvsFences.class);
    private final Ring ring;
    private final Peers peers;
    private final JobTable table;

    /**
     * @param ring  the ring (the members)
     * @param peers connections to other mpds
     * @param table the jobs
     */
    KvsFences(Ring ring, Peers peers, JobTable table) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
    }

    /**
     * This subtree has entered the fence: its puts go up, or (at the root) the union comes back down.
     *
     * @param job  this mpd's part of the job
     * @param puts the subtree's puts since the last fence
     */
    void fenceUp(Job job, Map<String, String> puts) {
        if (job.index == 0) {
            commit(job, puts);
            return;
        }
        String parentId = job.spec.treeHosts().get(job.spec.parentOf(job.index));
        MpdMessage up = MpdMessage.of("kvs-fence").with("jid", job.jid()).body(encodePuts(puts)).build();
        // Tried twice, as a launch is: a send that fails drops the link, and the second opens a new one (a loaded
        // host may miss one connect deadline); a fence lost here would hang every rank of the job.
        if (!peers.send(ring.membership(), parentId, up) && !peers.send(ring.membership(), parentId, up)) {
            LOG.warn("mpd {}: job {}: fence cannot reach parent {}", ring.self().id(), job.jid(), parentId);
        }
    }

    private void commit(Job job, Map<String, String> union) {
        if (!job.spec.childrenOf(job.index).isEmpty()) {
            MpdMessage down = MpdMessage.of("kvs-commit").with("jid", job.jid()).body(encodePuts(union)).build();
            for (int child : job.spec.childrenOf(job.index)) {
                peers.send(ring.membership(), job.spec.treeHosts().get(child), down);
            }
        }
        job.pmi.kvs().commit(union).forEach(Runnable::run);
    }

    /**
     * Handles {@code kvs-fence} from a child.
     *
     * @param message the child subtree's puts as its body
     * @throws MalformedMessageException if the jid is missing
     */
    void onKvsFence(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job != null) {
            job.pmi.kvs().childIn(decodePuts(message.body())).ifPresent(contribution -> fenceUp(job, contribution.puts()));
        }
    }

    /**
     * Handles {@code kvs-commit} from the parent.
     *
     * @param message the whole job's puts as its body
     * @throws MalformedMessageException if the jid is missing
     */
    void onKvsCommit(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job != null) {
            commit(job, decodePuts(message.body()));
        }
    }

    static byte[] encodePuts(Map<String, String> puts) {
        StringBuilder text = new StringBuilder();
        puts.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> decodePuts(byte[] body) {
        Map<String, String> puts = new LinkedHashMap<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            int equals = line.indexOf('=');
            if (equals >= 0) {
                puts.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return puts;
    }
}
