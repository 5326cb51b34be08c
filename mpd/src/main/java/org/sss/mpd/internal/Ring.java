package org.sss.mpd.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.ChallengeHandshake;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;

/**
 * Ring membership and repair for one mpd.
 *
 * <p>Every member knows the whole ring (a {@link Membership}: members in ring order and an epoch). The first
 * member leads: it applies joins, departures and losses one at a time and circulates the new membership around
 * the ring; a member adopts a membership with a higher epoch, rewires its link to its right neighbour if that
 * changed, and passes it on. One circulation is in flight at a time and carries only the change since the last
 * membership known all round; joins made meanwhile wait for it (see {@link Circulations}), a loss goes at once, and
 * a joiner tells its left neighbour itself ({@link RingJoins}). Each member watches its right neighbour over the
 * link it opened to it: six pings per watch timeout, answered by pongs. When the link breaks (a killed mpd's socket
 * is closed by the kernel) or no pong comes within the watch timeout, the member connects to the next member that
 * answers, re-knitting the ring at once, and reports the lost members to the leader (or applies the loss itself
 * if it now leads). A missing pong alone does not condemn a neighbour (see {@link NeighbourWatch}). A member that
 * learns it was dropped while alive (a partition) rejoins, and members lost while they may have been alive are
 * probed until the two rings become one again (see {@link PartitionHealer}). Thread-safe: membership changes
 * happen under this object's lock.
 */
public final class Ring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ring.class);
    /** How often members lost to a partition are probed. */
    private static final Duration HEAL_INTERVAL = Duration.ofSeconds(2);

    private final Member self;
    private final Peers peers;
    private final Duration watchTimeout;
    private final RingListener listener;
    private final ScheduledExecutorService timer;
    /** Replaced (never changed in place) under this ring's lock; read without it, so a query never waits on a repair. */
    private volatile Membership membership;
    /** Written under this ring's lock; read without it by ring-test hops, which must never wait on a repair. */
    private volatile Link rightLink;
    private String rightId;
    private volatile long lastPongNanos = System.nanoTime();
    private volatile boolean exiting;
    private volatile boolean closed;
    private boolean rejoining;
    private final PartitionHealer healer;
    private final RingJoins joins;
    private final NeighbourWatch watch;
    /** Leading: the membership going round the ring. */
    private final Circulations circulations = new Circulations();

    /**
     * @param self         this mpd
     * @param peers        its connections
     * @param handshake    the challenge protocol (for joining)
     * @param secret       the ring's secret (for joining)
     * @param watchTimeout a right neighbour without a pong this long is lost
     * @param listener     told about lost members
     */
    public Ring(Member self, Peers peers, ChallengeHandshake handshake, SharedKey secret, Duration watchTimeout,
                RingListener listener) {
        this.self = self;
        this.peers = peers;
        this.watchTimeout = watchTimeout;
        this.listener = listener;
        this.membership = Membership.alone(self);
        this.healer = new PartitionHealer(this, handshake, secret);
        this.joins = new RingJoins(this, handshake, secret);
        this.watch = new NeighbourWatch(this, peers, handshake, secret, watchTimeout);
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("mpd-ring-" + self.id()).factory());
        long pingMillis = NeighbourWatch.pingInterval(watchTimeout).toMillis();
        timer.scheduleWithFixedDelay(this::tick, pingMillis, pingMillis, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(healer::startProbe, HEAL_INTERVAL.toMillis(), HEAL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return this mpd */
    public Member self() {
        return self;
    }

    /** @return the current membership */
    public Membership membership() {
        return membership;
    }

    /** @return whether this mpd leads the ring */
    public synchronized boolean leads() {
        return membership.leader().id().equals(self.id());
    }

    /** Joins the ring the member at {@code sponsor} is in, until in it ({@link RingJoins#join}); IOException: none took it. */
    public void join(Endpoint sponsor) throws IOException {
        joins.join(sponsor);
    }

    /** @param joined the ring the leader let this mpd into (unless a later joiner told it a newer one already) */
    synchronized void joined(Membership joined) {
        boolean newer = !membership.leader().id().equals(joined.leader().id()) || joined.epoch() > membership.epoch();
        if (newer) {
            adopt(joined, Circulations.Mode.NONE, true, null);
        }
        rejoining = false;
    }

    /** Handles {@code join} from a new mpd: redirects it to the leader, or (leading) adds it and answers. */
    public void onJoin(Link link, MpdMessage message) throws MalformedMessageException {
        link.trySend(admit(Member.decode(message.require("id") + "|" + message.require("host") + "|" + message.require("addr"))));
    }

    private synchronized MpdMessage admit(Member joining) {
        Member leader = membership.leader();
        if (!leader.id().equals(self.id())) {
            return MpdMessage.of("join-redirect").with("leader", leader.endpoint()).build();
        }
        if (membership.contains(joining.id())) {
            return MpdMessage.of("join-refused").with("reason", "an mpd with id " + joining.id() + " at "
                    + membership.member(joining.id()).orElseThrow().endpoint() + " is already in the ring").build();
        }
        Membership next = membership.with(joining);
        LOG.info("mpd {}: {} joins the ring (now {} members)", self.id(), joining.id(), next.size());
        adopt(next, Circulations.Mode.COALESCE, true, null);
        return MpdMessage.of("join-ok").with("epoch", next.epoch()).with("members", Member.encodeAll(next.members())).build();
    }

    /**
     * Handles a circulating {@code members}: adopts and passes on a newer membership; passes on an older one (the
     * leader counts it as back); one from a joiner is adopted and not passed on.
     */
    public void onMembers(MpdMessage message) throws MalformedMessageException {
        long epoch = message.number("epoch");
        long hops = message.number("hops", 0);
        boolean fromJoiner = message.number("neighbour", 0) == 1;
        boolean change = MembershipMessages.isChange(message);
        synchronized (this) {
            if (epoch > membership.epoch()) {
                Membership offered = change ? MembershipMessages.applyChange(membership, message)
                        : new Membership(epoch, Member.decodeAll(message.require("members")));
                if (offered != null) {
                    adopt(offered, fromJoiner ? Circulations.Mode.NONE : Circulations.Mode.FORWARD, true,
                            fromJoiner ? null : MembershipMessages.passOn(message, hops + 1, false));
                    return;
                }
                LOG.info("mpd {}: cannot apply the ring's change to epoch {} (it knows epoch {}); asking for the whole ring",
                        self.id(), epoch, membership.epoch());
                if (rightLink != null) {
                    rightLink.trySend(MembershipMessages.passOn(message, hops + 1, true));
                }
                return;
            }
            if (fromJoiner) {
                return;
            }
            if (membership.leader().id().equals(self.id())) {
                if (circulations.returned(epoch, "1".equals(message.get("gap")), membership)) {
                    circulate();
                }
            } else if (rightLink != null && hops < 2L * membership.size() + 8) {
                // An older or equal epoch still goes round to the leader, which counts it as back; a member that
                // joined after it was sent (and knows a newer ring) must not swallow it.
                rightLink.trySend(MembershipMessages.passOn(message, hops + 1, false));
            }
        }
    }

    /** Leading: sends the current membership round the ring (or the change since the last). Must hold the lock. */
    private void circulate() {
        MpdMessage message = circulations.start(membership);
        if (message != null && rightLink != null) {
            rightLink.trySend(message);
        }
    }

    /** Handles {@code ping} from the left neighbour; once closed (stopped or crashed) it answers none: it must look lost. */
    public void onPing(Link link, MpdMessage message) {
        if (closed) {
            return;
        }
        String from = message.get("from");
        boolean member;
        long epoch;
        synchronized (this) {
            member = from == null || membership.contains(from);
            epoch = membership.epoch();
        }
        if (member) {
            link.trySend(MpdMessage.of("pong").with("epoch", epoch).build());
        } else {
            link.trySend(MpdMessage.of("expelled").with("epoch", epoch).with("by", self.id()).build());
        }
    }

    /** Handles {@code pong} from the right neighbour. */
    public void onPong(Link link) {
        lastPongNanos = System.nanoTime();
    }

    /** Handles {@code heal}: a member of a larger ring that lost this mpd asks it to join that ring. */
    public void onHeal(MpdMessage message) throws MalformedMessageException {
        healer.invited(Endpoint.parse(message.require("at")));
    }

    /** Handles {@code expelled}: this mpd was dropped from the ring while alive; it rejoins. */
    public void onExpelled(Link link) {
        Membership left;
        synchronized (this) {
            if (rejoining || exiting) {
                return;
            }
            rejoining = true;
            left = membership;
            LOG.warn("mpd {}: was dropped from the ring (by {}); rejoining", self.id(), link.describe());
            membership = Membership.alone(self);
            closeRight();
        }
        joins.rejoinLater(left, link.peerId(), ring -> { // none took it back: alone, probing them
            synchronized (this) {
                rejoining = false;
            }
            healer.droppedFrom(ring);
        });
    }

    /**
     * Handles {@code lost} reported to the leader. The leader is the first member that is not lost: when the leader
     * itself died, the member after it takes over.
     */
    public void onLost(MpdMessage message) throws MalformedMessageException {
        Set<String> lost = new LinkedHashSet<>(List.of(message.require("ids").split(",")));
        Member forwardTo = null;
        synchronized (this) {
            Member leader = membership.members().stream().filter(m -> !lost.contains(m.id())).findFirst().orElse(self);
            if (!leader.id().equals(self.id())) {
                forwardTo = leader;
            } else {
                applyLoss(lost);
            }
        }
        if (forwardTo != null) {
            peers.send(forwardTo, message);
        }
    }

    /** Handles {@code leave} (a clean departure) at the leader. */
    public void onLeave(Link link, MpdMessage message) throws MalformedMessageException {
        String id = message.require("id");
        Member forwardTo = null;
        synchronized (this) {
            if (!membership.leader().id().equals(self.id())) {
                forwardTo = membership.leader();
            } else if (membership.contains(id)) {
                LOG.info("mpd {}: {} leaves the ring", self.id(), id);
                Membership next = membership.without(id);
                adopt(next, Circulations.Mode.COALESCE, false, null);
            }
        }
        if (forwardTo != null) {
            peers.send(forwardTo, message);
        }
        link.trySend(MpdMessage.of("leave-ok").build());
    }

    /** Leaves the ring cleanly (this mpd is stopping). */
    public void leave() {
        Member leader;
        synchronized (this) {
            exiting = true;
            if (membership.size() == 1) {
                return;
            }
            leader = membership.leader();
            if (leader.id().equals(self.id())) {
                // The next member leads once this one is gone: hand it the new membership to circulate.
                peers.send(membership.rightOf(self.id()), MembershipMessages.whole(membership.without(self.id()), 0));
                return;
            }
        }
        peers.send(leader, MpdMessage.of("leave").with("id", self.id()).build());
    }

    /** Stops repairing: the whole ring is exiting. */
    public void exiting() {
        exiting = true;
    }

    /** @return whether the ring is exiting or this mpd is leaving */
    public boolean isExiting() {
        return exiting;
    }

    /** @return whether this mpd is leaving or rejoining, when it must not start joining another ring */
    synchronized boolean leavingOrRejoining() {
        return exiting || rejoining;
    }

    /** @return the link to the right neighbour, or null when alone or cut off; read without the lock */
    public Link rightLink() {
        return rightLink;
    }

    /** A link closed: if it was the one to the right neighbour, that neighbour is lost. */
    public void linkClosed(Link link) {
        synchronized (this) {
            if (link != rightLink || exiting) {
                return;
            }
        }
        rightLost("its link closed");
    }

    private void tick() {
        peers.dropStalled();
        Link right;
        String suspect;
        synchronized (this) {
            if (exiting) {
                return;
            }
            if (circulations.overdue(membership.size())) {
                LOG.info("mpd {}: the membership of epoch {} did not come back round the ring; sending epoch {} whole",
                        self.id(), circulations.epochInFlight(), membership.epoch());
                circulations.forgetBase();
                circulate();
            }
            right = rightLink;
            suspect = rightId;
            if (right == null && (suspect == null || !membership.contains(suspect))) {
                return;
            }
        }
        long silentNanos = System.nanoTime() - lastPongNanos;
        if (right == null || silentNanos > watchTimeout.toNanos()) {
            watch.verify(suspect, silentNanos, right == null);
            return;
        }
        long epoch;
        synchronized (this) {
            epoch = membership.epoch();
        }
        if (!right.trySend(MpdMessage.of("ping").with("from", self.id()).with("epoch", epoch).build())) {
            rightLost("its link broke");
        }
    }

    /** The right neighbour answered (a pong, or a fresh connection): its silence ends now. */
    void answered() {
        lastPongNanos = System.nanoTime();
    }

    /**
     * A fresh link to the right neighbour was made after connecting to it had failed: it becomes the right link.
     *
     * @param suspect     the neighbour
     * @param link        the new link
     * @param silentNanos how long it was unreachable
     */
    synchronized void relinked(String suspect, Link link, long silentNanos) {
        if (suspect.equals(rightId) && rightLink == null) {
            rightLink = link;
            lastPongNanos = System.nanoTime();
            LOG.info("mpd {}: reached right neighbour {} after {} ms", self.id(), suspect, silentNanos / 1_000_000);
        }
    }

    /** @param why the right neighbour is lost: the ring is re-knit past it and the leader told */
    void rightLost(String why) {
        synchronized (this) {
            if (exiting || rightId == null || !membership.contains(rightId)) {
                return;
            }
            String dead = rightId;
            LOG.warn("mpd {}: right neighbour {} lost ({}); re-knitting the ring", self.id(), dead, why);
            closeRight();
            peers.forget(dead);
            Set<String> lost = new LinkedHashSet<>();
            lost.add(dead);
            Member candidate = membership.rightOf(dead);
            while (!candidate.id().equals(self.id()) && !exiting) {
                try {
                    Link link = peers.ownLink(candidate);
                    rightLink = link;
                    rightId = candidate.id();
                    lastPongNanos = System.nanoTime();
                    break;
                } catch (IOException e) {
                    LOG.warn("mpd {}: {} is unreachable too: {}", self.id(), candidate.id(), e.getMessage());
                    lost.add(candidate.id());
                    candidate = membership.rightOf(candidate.id());
                }
            }
            Member leader = membership.members().stream().filter(m -> !lost.contains(m.id())).findFirst().orElse(self);
            if (leader.id().equals(self.id())) {
                applyLoss(lost);
            } else {
                peers.send(leader, MpdMessage.of("lost").with("ids", String.join(",", lost)).with("by", self.id()).build());
            }
        }
    }

    private void applyLoss(Set<String> lost) {
        Membership next = membership;
        for (String id : lost) {
            if (!id.equals(self.id())) {
                next = next.without(id);
            }
        }
        if (next != membership) {
            LOG.warn("mpd {}: removed lost members {} from the ring (now {} members)", self.id(), lost, next.size());
            adopt(next, Circulations.Mode.NOW, true, null);
        }
    }

    /** Must hold the lock. */
    private void adopt(Membership next, Circulations.Mode circulation, boolean died, MpdMessage passOn) {
        Membership previous = membership;
        membership = next;
        Set<String> gone = new HashSet<>();
        previous.members().forEach(m -> gone.add(m.id()));
        next.members().forEach(m -> gone.remove(m.id()));
        if (!next.contains(self.id())) {
            return;
        }
        rewireRight();
        boolean leading = next.leader().id().equals(self.id());
        if (!leading) {
            circulations.notLeading();
        } else {
            circulations.removed(next.epoch(), gone);
        }
        switch (circulation) {
            case NONE -> { }
            case FORWARD -> {
                if (leading) {
                    circulate();
                } else if (rightLink != null) {
                    rightLink.trySend(passOn);
                }
            }
            case COALESCE -> {
                if (!circulations.inFlight()) {
                    circulate();
                }
            }
            case NOW -> circulate();
        }
        healer.membershipChanged(previous, next, gone, died);
        if (!gone.isEmpty()) {
            gone.forEach(peers::forget);
            Thread.ofPlatform().daemon().name("mpd-members-gone").start(() -> listener.membersGone(gone, died));
        }
    }

    /** Must hold the lock. */
    private void rewireRight() {
        Member right = membership.rightOf(self.id());
        if (right.id().equals(self.id())) {
            closeRight();
            return;
        }
        if (right.id().equals(rightId) && rightLink != null && !rightLink.isClosed()) {
            return;
        }
        try {
            rightLink = peers.ownLink(right);
            rightId = right.id();
            lastPongNanos = System.nanoTime();
        } catch (IOException e) {
            rightLink = null;
            rightId = right.id();
            lastPongNanos = System.nanoTime();
            LOG.warn("mpd {}: cannot reach new right neighbour {}: {}", self.id(), right.id(), e.getMessage());
        }
    }

    private void closeRight() {
        rightLink = null;
        rightId = null;
    }

    /** @return the right neighbour's id, or null when alone */
    public synchronized String rightId() {
        return rightId;
    }

    @Override
    public void close() {
        exiting = true;
        closed = true;
        timer.shutdownNow();
    }
}
