package org.sss.mpd.internal;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The leader's account of the membership going round the ring: at most one circulation is in flight; changes made
 * meanwhile wait for it to come back (or for its timeout: a member may have died with it), then the newest
 * membership goes round in one pass; a loss goes round at once. A circulation carries the change since the newest
 * membership that went all the way round (every member knows it or a newer one, so each can apply the change, see
 * {@link MembershipMessages}), else the whole membership. Not thread-safe: the {@link Ring} uses
 * it under its lock.
 */
final class Circulations {
    /** The most circulations remembered while in flight (later ones supersede earlier ones anyway). */
    private static final int REMEMBERED = 64;
    /** The epoch in flight, 0 when none. */
    private long inFlight;
    private long sentNanos;
    /** The newest membership that went all the way round: every member knows it or a newer one. Null: unknown. */
    private Membership confirmed;
    /** Memberships sent round and not back yet, by epoch. */
    private final java.util.NavigableMap<Long, Membership> sent = new java.util.TreeMap<>();
    /** Ids removed from the ring, with the epoch that removed them, since {@link #confirmed}. */
    private final java.util.List<java.util.Map.Entry<Long, String>> removals = new java.util.ArrayList<>();

    /** @return whether a circulation is in flight */
    boolean inFlight() {
        return inFlight != 0;
    }

    /** @return the epoch in flight (0 when none) */
    long epochInFlight() {
        return inFlight;
    }

    /**
     * @param size the ring's size
     * @return whether the circulation in flight is overdue: a member may have died with it
     */
    boolean overdue(int size) {
        return inFlight != 0 && System.nanoTime() - sentNanos > timeout(size).toNanos();
    }

    /** How long a circulation may take, at about 5 ms a hop on a loaded machine, before it is sent again. */
    static Duration timeout(int size) {
        return Duration.ofMillis(2000 + 5L * size);
    }

    /**
     * @param epoch the epoch of the membership that removed them
     * @param ids   members the leader removed from the ring
     */
    void removed(long epoch, Set<String> ids) {
        ids.forEach(id -> removals.add(java.util.Map.entry(epoch, id)));
        if (removals.size() > 4 * REMEMBERED * REMEMBERED) {
            forgetBase();
        }
    }

    /** This mpd does not lead (any more): the next time it leads, it starts with the whole membership. */
    void notLeading() {
        inFlight = 0;
        forgetBase();
    }

    /** The next circulation carries the whole membership (a member missed one, or one was lost). */
    void forgetBase() {
        confirmed = null;
        removals.clear();
        sent.clear();
    }

    /**
     * Starts a circulation of {@code current}: the change since the newest membership known all round, if any.
     *
     * @param current the membership to send round
     * @return the message for the right neighbour, or null in a ring of one
     */
    MpdMessage start(Membership current) {
        if (current.size() == 1) {
            inFlight = 0;
            forgetBase();
            return null;
        }
        MpdMessage message = null;
        if (confirmed != null) {
            Set<String> ids = new LinkedHashSet<>();
            removals.forEach(removal -> ids.add(removal.getValue()));
            message = MembershipMessages.change(confirmed, current, ids);
        }
        if (message == null) {
            message = MembershipMessages.whole(current, 0);
        }
        inFlight = current.epoch();
        sentNanos = System.nanoTime();
        sent.put(current.epoch(), current);
        while (sent.size() > REMEMBERED) {
            sent.pollFirstEntry();
        }
        return message;
    }

    /**
     * A circulation came back to the leader.
     *
     * @param epoch   its epoch
     * @param gap     whether a member could not apply it
     * @param current the leader's membership now
     * @return whether the leader must send {@code current} round now
     */
    boolean returned(long epoch, boolean gap, Membership current) {
        if (gap) {
            forgetBase();
        } else {
            Membership back = sent.get(epoch);
            if (back != null) {
                confirmed = back;
                removals.removeIf(removal -> removal.getKey() <= epoch);
                sent.headMap(epoch, true).clear();
            }
        }
        if (inFlight == 0 || epoch < inFlight) {
            return false;
        }
        inFlight = 0;
        return gap || current.epoch() > epoch;
    }

    /** What adopting a membership sends round the ring. */
    enum Mode {
        /** Nothing (this mpd was told it directly, joining). */
        NONE,
        /** Pass it on to the right neighbour (it came from the left one). */
        FORWARD,
        /** Leading: send it round once the circulation in flight is back (a join, a departure). */
        COALESCE,
        /** Leading: send it round now (a loss: the ring is broken until every member knows). */
        NOW
    }
}
