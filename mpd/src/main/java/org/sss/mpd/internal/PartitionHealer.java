package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;

/**
 * Heals a partition for one mpd's {@link Ring}: remembers the members the ring lost or that left it, for an hour,
 * and on every probe asks each of them which ring it is in now. If that ring does not hold this mpd and wins over
 * this one (more members; on a tie, the smaller leader id), this mpd joins it; the rest of this ring follows, each
 * member on its own probe or when the ring it pings answers {@code expelled}. If this ring wins, that member is
 * asked to join it ({@code heal}). Every member remembers the lost ones; the leader probes them every round, the others now and
 * then (see {@link #startProbe}). A member that is back in the ring, or answers from a ring that holds this mpd, is forgotten.
 * Probes run on their own thread, one at a time, connecting outside every lock. Thread-safe: its lock is taken
 * inside the ring's, never the other way round.
 */
final class PartitionHealer {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionHealer.class);
    /** How long a lost member is remembered and probed. */
    private static final Duration HEAL_MEMORY = Duration.ofHours(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(1500);
    /** How many members of a ring, on average, probe its lost members each round. */
    static final int PROBERS_PER_ROUND = 16;

    /** A member lost while alive, perhaps: where it listened and when it was lost. */
    private record LostPeer(Member member, long lostNanos) {
    }

    private final Ring ring;
    private final Member self;
    private final ChallengeHandshake handshake;
    private final SharedKey secret;
    /** Members lost while this mpd stayed, by id. */
    private final Map<String, LostPeer> lostPeers = new HashMap<>();
    private boolean probing;

    /**
     * @param ring      the ring it heals (its membership, and its join)
     * @param handshake the challenge protocol (for probing)
     * @param secret    the ring's secret (for probing)
     */
    PartitionHealer(Ring ring, ChallengeHandshake handshake, SharedKey secret) {
        this.ring = ring;
        this.self = ring.self();
        this.handshake = handshake;
        this.secret = secret;
    }

    /**
     * The ring adopted a new membership (called under the ring's lock).
     *
     * @param previous the membership before
     * @param next     the membership now
     * @param gone     ids in {@code previous} and not in {@code next}
     * @param died     whether they were lost (true) rather than departed cleanly (both are remembered)
     */
    synchronized void membershipChanged(Membership previous, Membership next, Set<String> gone, boolean died) {
        for (Member member : next.members()) {
            lostPeers.remove(member.id());
        }
        // Members that left cleanly too: one restarted alone (a first node whose service manager starts it without
        // joining) must be found and asked back, or the cluster stays two rings.
        remember(previous, gone::contains);
    }

    /**
     * This mpd was dropped from a ring and none of its members took it back: it remembers them all as lost.
     *
     * @param left the ring it was in
     */
    synchronized void droppedFrom(Membership left) {
        remember(left, id -> true);
    }

    private void remember(Membership ring, java.util.function.Predicate<String> which) {
        for (Member member : ring.members()) {
            if (which.test(member.id()) && !member.id().equals(self.id())) {
                lostPeers.put(member.id(), new LostPeer(member, System.nanoTime()));
            }
        }
    }

    /**
     * Starts a probe of the lost members, unless one runs, there are none or this mpd is leaving or rejoining. The
     * leader probes on every call; any other member on a random {@value #PROBERS_PER_ROUND} in N of them, so that a
     * ring of N that lost k members makes about {@value #PROBERS_PER_ROUND}·k connections a round, not N·k (a flood
     * at a thousand members), while each member of a partitioned side still finds the winning ring itself, in a few
     * rounds, rather than only when the member it pings has moved and answers {@code expelled}.
     */
    void startProbe() {
        boolean busy = ring.leavingOrRejoining();
        if (!busy && !ring.leads()) {
            int size = ring.membership().size();
            busy = size > PROBERS_PER_ROUND && java.util.concurrent.ThreadLocalRandom.current().nextInt(size) >= PROBERS_PER_ROUND;
        }
        synchronized (this) {
            long now = System.nanoTime();
            lostPeers.values().removeIf(peer -> now - peer.lostNanos() > HEAL_MEMORY.toNanos());
            if (probing || busy || lostPeers.isEmpty()) {
                return;
            }
            probing = true;
        }
        Thread.ofPlatform().daemon().name("mpd-heal-" + self.id()).start(this::probeLost);
    }

    private void probeLost() {
        List<LostPeer> candidates;
        synchronized (this) {
            candidates = new ArrayList<>(lostPeers.values());
        }
        Membership mine = ring.membership();
        try {
            for (LostPeer peer : candidates) {
                Membership theirs = traceOf(peer.member().endpoint());
                if (theirs == null) {
                    continue;
                }
                if (theirs.contains(self.id())) {
                    synchronized (this) {
                        lostPeers.remove(peer.member().id());
                    }
                    continue;
                }
                if (wins(theirs, mine)) {
                    LOG.warn("mpd {}: {} is alive in a ring of {} led by {} (this ring has {}); joining it to heal the partition",
                            self.id(), peer.member().id(), theirs.size(), theirs.leader().id(), mine.size());
                    try {
                        ring.join(peer.member().endpoint());
                    } catch (IOException e) {
                        LOG.warn("mpd {}: joining the ring of {} failed: {}; trying again later", self.id(),
                                theirs.leader().id(), e.getMessage());
                    }
                    return;
                }
                // This ring wins, and that member knows nothing of it (it restarted, alone: no lost members of its
                // own to probe): it is asked to join this ring.
                invite(peer.member());
            }
        } finally {
            synchronized (this) {
                probing = false;
            }
        }
    }

    private void invite(Member member) {
        try (Link link = Link.connect(member.endpoint(), handshake, secret, PROBE_TIMEOUT)) {
            link.send(MpdMessage.of("heal").with("at", self.endpoint()).build());
        } catch (IOException e) {
            LOG.debug("mpd {}: could not ask {} to join: {}", self.id(), member.id(), e.getMessage());
        }
    }

    /**
     * A member of another ring asks this mpd to join it: it does, in the background, if that ring wins over its own
     * (traced from here: the asking alone proves nothing) and does not hold it already.
     *
     * @param at where the asking member listens
     */
    void invited(Endpoint at) {
        Thread.ofPlatform().daemon().name("mpd-heal-join-" + self.id()).start(() -> {
            Membership theirs = traceOf(at);
            Membership mine = ring.membership();
            if (theirs == null || theirs.contains(self.id()) || !wins(theirs, mine)) {
                return;
            }
            LOG.warn("mpd {}: asked by a ring of {} led by {} (this ring has {}); joining it to heal the partition",
                    self.id(), theirs.size(), theirs.leader().id(), mine.size());
            try {
                ring.join(at);
            } catch (IOException e) {
                LOG.warn("mpd {}: joining the ring of {} failed: {}", self.id(), theirs.leader().id(), e.getMessage());
            }
        });
    }

    /** @return whether ring {@code a} wins over ring {@code b} when two rings meet after a partition */
    static boolean wins(Membership a, Membership b) {
        if (a.size() != b.size()) {
            return a.size() > b.size();
        }
        return a.leader().id().compareTo(b.leader().id()) < 0;
    }

    /** @return the membership the mpd at the endpoint reports, or {@code null} when it does not answer */
    private Membership traceOf(Endpoint endpoint) {
        try (Link link = Link.connect(endpoint, handshake, secret, PROBE_TIMEOUT)) {
            link.send(MpdMessage.of("trace").build());
            MpdMessage reply = link.receive();
            if (reply == null || !"trace".equals(reply.cmd())) {
                return null;
            }
            return new Membership(reply.number("epoch"), Member.decodeAll(reply.require("members")));
        } catch (IOException | MalformedMessageException e) {
            return null;
        }
    }
}
