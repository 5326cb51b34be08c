package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a job's surviving ranks that some of its processes were lost, before anything else is done about it: the
 * root sends {@code job-event} to every other host of the job, directly as it sends {@code job-kill} (so a lost
 * host inside the launch tree hides none) and on the same connection just before any kill, and each host has its
 * PMIx server notify its local ranks ({@link PmixJobs#notifyLost}); a host's kill of the job waits until its server
 * has handed the event on ({@link Job#pmixEvents}). Only jobs served PMIx are told. Thread-safe.
 */
final class RankLossEvents {
    private static final Logger LOG = LoggerFactory.getLogger(RankLossEvents.class);

    /** A rank was killed by a signal. */
    static final String PROC_ABORTED = "proc-aborted";
    /** A rank exited without finalizing (PMIx or PMI-1). */
    static final String PROC_TERM_WO_SYNC = "proc-term-wo-sync";
    /** A rank finalized and then exited with a non-zero status. */
    static final String EXIT_NONZERO = "exit-nonzero";
    /** The ranks' host left the ring. */
    static final String NODE_DOWN = "node-down";
    private static final List<String> EVENTS = List.of(PROC_ABORTED, PROC_TERM_WO_SYNC, EXIT_NONZERO, NODE_DOWN);

    /** What a host does with an event for its ranks of a job. */
    interface LocalNotice {
        /**
         * @param job   this mpd's part of the job
         * @param event one of the event names above
         * @param ranks the lost ranks
         * @param host  the lost host, for {@link #NODE_DOWN}; else null
         * @param why   a line saying what happened
         */
        void notifyLost(Job job, String event, List<Integer> ranks, String host, String why);
    }

    private final Ring ring;
    private final Peers peers;
    private final JobTable table;
    private final LocalNotice local;

    /**
     * @param ring  the ring (this mpd, the members)
     * @param peers connections to other mpds
     * @param table the jobs
     * @param local tells this host's ranks
     */
    RankLossEvents(Ring ring, Peers peers, JobTable table, LocalNotice local) {
        this.ring = ring;
        this.peers = peers;
        this.table = table;
        this.local = local;
    }

    /**
     * At a job's root: tells every host of the job but the lost one that ranks were lost.
     *
     * @param job      the job, led here
     * @param event    one of the event names above
     * @param ranks    the lost ranks (nothing is sent when empty)
     * @param lostHost the host that was lost, or null when only ranks were
     * @param why      what happened, for the ranks and the logs
     */
    void announce(Job job, String event, List<Integer> ranks, String lostHost, String why) {
        if (!job.spec.pmi().servesPmix() || ranks.isEmpty()) {
            return;
        }
        StringBuilder body = new StringBuilder();
        ranks.forEach(rank -> body.append(body.isEmpty() ? "" : ",").append(rank));
        MpdMessage message = MpdMessage.of("job-event").with("jid", job.jid()).with("event", event)
                .with("host", lostHost).with("why", why).body(body.toString().getBytes(StandardCharsets.US_ASCII)).build();
        LOG.info("mpd {}: job {}: telling the survivors: {} of ranks {}", ring.self().id(), job.jid(), event, body);
        Membership members = ring.membership();
        for (String hostId : job.spec.treeHosts()) {
            if (hostId.equals(lostHost)) {
                continue;
            }
            if (hostId.equals(ring.self().id())) {
                local.notifyLost(job, event, ranks, lostHost, why);
            } else {
                peers.send(members, hostId, message);
            }
        }
    }

    /**
     * On a host of the job: {@code job-event} from its root.
     *
     * @param message {@code jid event}, optional {@code host why}; the body the lost ranks, {@code R,R,...}
     * @throws MalformedMessageException if a field is missing, the event unknown or a rank outside the job
     */
    void onEvent(MpdMessage message) throws MalformedMessageException {
        Job job = table.get(message.require("jid"));
        if (job == null) {
            return;
        }
        String event = message.require("event");
        if (!EVENTS.contains(event)) {
            throw new MalformedMessageException("unknown event " + event);
        }
        local.notifyLost(job, event, ranks(message.body(), job.spec.size()), message.get("host"), message.get("why"));
    }

    private static List<Integer> ranks(byte[] body, int size) throws MalformedMessageException {
        String text = new String(body, StandardCharsets.US_ASCII);
        String[] parts = text.split(",");
        if (text.isEmpty() || parts.length > size) {
            throw new MalformedMessageException("an event names no ranks, or more than the job has");
        }
        List<Integer> ranks = new ArrayList<>(parts.length);
        for (String part : parts) {
            try {
                int rank = Integer.parseInt(part);
                if (rank < 0 || rank >= size) {
                    throw new MalformedMessageException("rank " + rank + " is outside a job of " + size);
                }
                ranks.add(rank);
            } catch (NumberFormatException e) {
                throw new MalformedMessageException("bad rank " + part);
            }
        }
        return ranks;
    }
}
