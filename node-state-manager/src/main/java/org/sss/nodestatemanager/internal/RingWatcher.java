package org.sss.nodestatemanager.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.client.RingMember;

/**
 * Reads the mpd ring's membership: keeps a console to one mpd (the configured ones in order, then any member it
 * has seen) and asks it for the ring. Not thread-safe; one watcher thread uses it.
 */
final class RingWatcher implements AutoCloseable {
    private final List<Endpoint> configured;
    private final SharedKey secret;
    private final Set<Endpoint> seen = new LinkedHashSet<>();
    private MpdConsole console;

    /** The ring as read: the members' names, or why it could not be read. */
    record Reading(Set<String> members, String problem) {
    }

    RingWatcher(List<Endpoint> configured, SharedKey secret) {
        this.configured = List.copyOf(configured);
        this.secret = secret;
    }

    /** @return the ring's members (ids and host names), or the reason no mpd answered */
    Reading read() {
        if (console != null) {
            try {
                return reading(console.trace());
            } catch (IOException e) {
                closeConsole();
            }
        }
        List<Endpoint> candidates = new ArrayList<>(configured);
        candidates.addAll(seen);
        String last = "no mpd configured";
        for (Endpoint endpoint : candidates) {
            try {
                MpdConsole attempt = MpdConsole.connect(endpoint, secret);
                Reading reading = reading(attempt.trace());
                console = attempt;
                return reading;
            } catch (IOException e) {
                last = endpoint + ": " + e.getMessage();
            }
        }
        return new Reading(null, "no mpd of the ring answers (last tried " + last + ")");
    }

    private Reading reading(List<RingMember> members) {
        Set<String> names = new LinkedHashSet<>();
        for (RingMember member : members) {
            names.add(member.id());
            names.add(member.host());
            seen.add(member.endpoint());
        }
        return new Reading(names, "");
    }

    private void closeConsole() {
        if (console != null) {
            console.close();
            console = null;
        }
    }

    @Override
    public void close() {
        closeConsole();
    }
}
