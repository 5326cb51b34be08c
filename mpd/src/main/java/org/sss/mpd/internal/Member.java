package org.sss.mpd.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.sss.lib.wire.Endpoint;

/**
 * A ring member: its id (unique in the ring, e.g. the host name), the host name jobs see, and where it listens.
 *
 * @param id       unique name in the ring
 * @param host     the host name ranks report and {@code -hosts} selects by
 * @param endpoint where the mpd listens
 */
public record Member(String id, String host, Endpoint endpoint) {
    /**
     * @param members the ring's members
     * @param name    an mpd id, else a host name
     * @return the member of that id, else the first of that host name
     */
    public static java.util.Optional<Member> named(List<Member> members, String name) {
        for (Member member : members) {
            if (member.id().equals(name)) {
                return java.util.Optional.of(member);
            }
        }
        return members.stream().filter(member -> member.host().equals(name)).findFirst();
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    /** Checks the names. */
    public Member {
        if (!NAME.matcher(id).matches() || !NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("mpd id and host must be 1-128 characters of [A-Za-z0-9._:-]: " + id + ", " + host);
        }
    }

    /** @return {@code id|host|addr:port} */
    public String encode() {
        return id + "|" + host + "|" + endpoint;
    }

    /**
     * @param text what {@link #encode} produced
     * @return the member
     * @throws MalformedMessageException if it is not {@code id|host|addr:port}
     */
    public static Member decode(String text) throws MalformedMessageException {
        String[] parts = text.split("\\|", -1);
        if (parts.length != 3) {
            throw new MalformedMessageException("member is not id|host|addr:port");
        }
        try {
            return new Member(parts[0], parts[1], Endpoint.parse(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("bad member: " + e.getMessage());
        }
    }

    /**
     * @param members members in ring order
     * @return them as one field value
     */
    public static String encodeAll(List<Member> members) {
        StringBuilder text = new StringBuilder();
        for (Member member : members) {
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(member.encode());
        }
        return text.toString();
    }

    /**
     * @param text what {@link #encodeAll} produced
     * @return the members in order
     * @throws MalformedMessageException if an entry is malformed
     */
    public static List<Member> decodeAll(String text) throws MalformedMessageException {
        List<Member> members = new ArrayList<>();
        if (text.isEmpty()) {
            return members;
        }
        for (String entry : text.split(",")) {
            members.add(decode(entry));
        }
        return members;
    }
}
