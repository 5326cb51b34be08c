package org.sss.mpd.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The {@code members} messages that carry a membership round the ring: whole (every member, for a ring whose
 * members may know different epochs) or as a change since a membership every member knows (the ids removed
 * since, and the members to append), which costs a few bytes per hop instead of the whole ring. A change carries
 * the size and a checksum of the resulting ids in order, so a member that cannot apply it exactly (it missed a
 * circulation) knows, passes it on marked {@code gap=1}, and the leader then sends the whole membership round.
 */
final class MembershipMessages {
    private MembershipMessages() {
    }

    /**
     * @param m    the membership
     * @param hops how far it has travelled
     * @return the whole membership as a {@code members} message
     */
    static MpdMessage whole(Membership m, long hops) {
        return MpdMessage.of("members").with("epoch", m.epoch()).with("members", Member.encodeAll(m.members()))
                .with("hops", hops).build();
    }

    /**
     * @param base    a membership that went all the way round (every member knows it or a newer one)
     * @param next    the membership to circulate
     * @param removed the ids removed from the ring since {@code base} (including members that joined after it and
     *                left again, and members that left and joined again)
     * @return the change from {@code base} to {@code next}, or null when {@code next} is not {@code base} less
     *     {@code removed} plus members appended (then the whole membership must go)
     */
    static MpdMessage change(Membership base, Membership next, Set<String> removed) {
        if (next.epoch() <= base.epoch()) {
            return null;
        }
        List<Member> appended = new ArrayList<>();
        for (Member member : next.members()) {
            if (removed.contains(member.id()) || !base.contains(member.id())) {
                appended.add(member);
            }
        }
        List<Member> result = apply(base.members(), removed, appended);
        if (!result.equals(next.members())) {
            return null;
        }
        return MpdMessage.of("members").with("epoch", next.epoch()).with("base", base.epoch())
                .with("removed", String.join(",", removed)).with("appended", Member.encodeAll(appended))
                .with("size", next.size()).with("check", checksum(next.members())).with("hops", 0).build();
    }

    /**
     * @param mine    this member's membership, older than the message's
     * @param message a {@code members} message carrying a change
     * @return the membership the change leads to, or null when it cannot be applied to {@code mine} exactly
     * @throws MalformedMessageException if the message is malformed
     */
    static Membership applyChange(Membership mine, MpdMessage message) throws MalformedMessageException {
        String removedText = message.require("removed");
        Set<String> removed = removedText.isEmpty() ? Set.of() : new HashSet<>(List.of(removedText.split(",")));
        List<Member> result = apply(mine.members(), removed, Member.decodeAll(message.require("appended")));
        if (result.size() != message.number("size") || checksum(result) != message.number("check")) {
            return null;
        }
        try {
            return new Membership(message.number("epoch"), result);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return whether the message carries a change rather than the whole membership */
    static boolean isChange(MpdMessage message) {
        return message.get("members") == null;
    }

    /**
     * @param received a {@code members} message
     * @param hops     how far it has now travelled
     * @param gap      whether a member could not apply it (the leader must send the whole membership)
     * @return the same message one hop further
     */
    static MpdMessage passOn(MpdMessage received, long hops, boolean gap) {
        MpdMessage.Builder next = MpdMessage.of("members");
        for (Map.Entry<String, String> field : received.fields().entrySet()) {
            if (!field.getKey().equals("hops") && !field.getKey().equals("gap")) {
                next.with(field.getKey(), field.getValue());
            }
        }
        next.with("hops", hops);
        if (gap || "1".equals(received.get("gap"))) {
            next.with("gap", 1);
        }
        return next.build();
    }

    private static List<Member> apply(List<Member> members, Set<String> removed, List<Member> appended) {
        List<Member> result = new ArrayList<>(members.size() + appended.size());
        Set<String> present = new HashSet<>();
        for (Member member : members) {
            if (!removed.contains(member.id())) {
                result.add(member);
                present.add(member.id());
            }
        }
        for (Member member : appended) {
            if (present.add(member.id())) {
                result.add(member);
            }
        }
        return result;
    }

    /** @return a checksum of the ids in order */
    static long checksum(List<Member> members) {
        CRC32 crc = new CRC32();
        for (Member member : members) {
            crc.update(member.id().getBytes(StandardCharsets.UTF_8));
            crc.update(',');
        }
        return crc.getValue();
    }
}
