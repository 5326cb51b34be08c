package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ring's members in ring order, with a version number (epoch) that grows with every change. Immutable: each
 * change returns a new membership. The leader, who applies joins, departures and losses and circulates the result,
 * is the first member; when it is lost the next one leads.
 *
 * @param epoch   the version
 * @param members the members in ring order (ids unique)
 */
public record Membership(long epoch, List<Member> members) {
    /** Copies the list and checks the ids are unique. */
    public Membership {
        members = List.copyOf(members);
        if (members.stream().map(Member::id).distinct().count() != members.size()) {
            throw new IllegalArgumentException("duplicate mpd ids in " + members);
        }
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
        return members.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /**
     * @param id an mpd id
     * @return whether it is a member
     */
    public boolean contains(String id) {
        return member(id).isPresent();
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
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).id().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException(id + " is not a member");
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
        next.removeIf(m -> m.id().equals(id));
        return new Membership(epoch + 1, next);
    }
}
