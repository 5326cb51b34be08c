package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The ring's members in ring order, with a version number (epoch) that grows with every change. Immutable: each
 * change returns a new membership. The leader, who applies joins, departures and losses and circulates the result,
 * is the first member; when it is lost the next one leads. Looking a member up by id takes constant time (an
 * index is built with the membership), so a ring of thousands can answer every ping without scanning.
 */
public final class Membership {
    private final long epoch;
    private final List<Member> members;
    /** Position of each member in {@link #members}, by id. */
    private final Map<String, Integer> index;

    /**
     * Copies the list and checks the ids are unique.
     *
     * @param epoch   the version
     * @param members the members in ring order (ids unique)
     * @throws IllegalArgumentException if an id appears twice
     */
    public Membership(long epoch, List<Member> members) {
        this.epoch = epoch;
        this.members = List.copyOf(members);
        this.index = HashMap.newHashMap(this.members.size());
        for (int i = 0; i < this.members.size(); i++) {
            if (index.putIfAbsent(this.members.get(i).id(), i) != null) {
                throw new IllegalArgumentException("duplicate mpd id " + this.members.get(i).id() + " in " + members);
            }
        }
    }

    /** @return the version, which grows with every change */
    public long epoch() {
        return epoch;
    }

    /** @return the members in ring order */
    public List<Member> members() {
        return members;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Membership that && epoch == that.epoch && members.equals(that.members);
    }

    @Override
    public int hashCode() {
        return Objects.hash(epoch, members);
    }

    @Override
    public String toString() {
        return "Membership[epoch=" + epoch + ", members=" + members + "]";
    }

    /**
     * @param self the only member
     * @return a ring of one
     */
    public static Membership alone(Member self) {
        return new Membership(1, List.of(self));
    }

    /** @return the leader */
    public Member leader() {
        return members.getFirst();
    }

    /** @return the number of members */
    public int size() {
        return members.size();
    }

    /**
     * @param id an mpd id
     * @return the member with that id
     */
    public Optional<Member> member(String id) {
        Integer i = index.get(id);
        return i == null ? Optional.empty() : Optional.of(members.get(i));
    }

    /**
     * @param id an mpd id
     * @return whether it is a member
     */
    public boolean contains(String id) {
        return index.containsKey(id);
    }

    /**
     * @param id a member's id
     * @return the member after it in ring order (itself in a ring of one)
     */
    public Member rightOf(String id) {
        int i = indexOf(id);
        return members.get((i + 1) % members.size());
    }

    /**
     * @param id a member's id
     * @return the member before it in ring order
     */
    public Member leftOf(String id) {
        int i = indexOf(id);
        return members.get((i - 1 + members.size()) % members.size());
    }

    private int indexOf(String id) {
        Integer i = index.get(id);
        if (i == null) {
            throw new IllegalArgumentException(id + " is not a member");
        }
        return i;
    }

    /**
     * @param joining a new member
     * @return the ring with it appended (before the leader in ring order), epoch + 1
     * @throws IllegalArgumentException if its id is taken
     */
    public Membership with(Member joining) {
        if (contains(joining.id())) {
            throw new IllegalArgumentException("an mpd with id " + joining.id() + " is already in the ring");
        }
        List<Member> next = new ArrayList<>(members);
        next.add(joining);
        return new Membership(epoch + 1, next);
    }

    /**
     * @param id a member to drop
     * @return the ring without it, epoch + 1 (unchanged if it was not a member)
     */
    public Membership without(String id) {
        if (!contains(id)) {
            return this;
        }
        List<Member> next = new ArrayList<>(members);
        next.remove(indexOf(id));
        return new Membership(epoch + 1, next);
    }
}
