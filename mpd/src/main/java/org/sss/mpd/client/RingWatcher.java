package org.sss.mpd.client;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;

/**
 * Reads the mpd ring's membership: keeps a console to one mpd (the configured ones in order, then any member it
 * has seen) and asks it for the ring. The node state manager polls it; the dashboard shows it, and reads jobs' output
 * through it (each read on a console of its own). Thread-safe.
 */
public final class RingWatcher implements AutoCloseable {
    private final List<Endpoint> configured;
    private final SharedKey secret;
    private final Set<Endpoint> seen = new LinkedHashSet<>();
    private MpdConsole console;

    /**
     * The ring as read.
     *
     * @param members the members in ring order, or {@code null} when no mpd answered
     * @param problem why no mpd answered; empty when one did
     */
    public record Reading(List<RingMember> members, String problem) {
    }

    /**
     * @param configured the mpds to ask first, in order
     * @param secret     the ring's secret
     */
    public RingWatcher(List<Endpoint> configured, SharedKey secret) {
        this.configured = List.copyOf(configured);
        this.secret = secret;
    }

    /**
     * Reads a piece of a job's output where the job wrote it (see {@link MpdConsole#readOutput}), through a console of
     * its own, opened for this read and closed after it: a slow node holds up no other read, nor the ring's view.
     *
     * @param node   the job's first node
     * @param path   the output file
     * @param owner  the job's user
     * @param offset where to start
     * @return what was read, or why nothing was
     * @throws IOException if no mpd of the ring can be asked
     */
    public OutputFile.Chunk readOutput(String node, String path, String owner, long offset) throws IOException {
        List<Endpoint> candidates;
        synchronized (this) {
            candidates = new ArrayList<>(configured);
            candidates.addAll(seen);
        }
        IOException last = new IOException("no mpd configured");
        for (Endpoint endpoint : candidates) {
            MpdConsole attempt;
            try {
                attempt = MpdConsole.connect(endpoint, secret);
            } catch (IOException e) {
                last = e;
                continue;
            }
            try (attempt) {
                return attempt.readOutput(node, path, owner, offset);
            }
        }
        throw new IOException("no mpd of the ring answers (last: " + last.getMessage() + ")", last);
    }

    /** @return the ring's members, or the reason no mpd answered */
    public synchronized Reading read() {
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
        for (RingMember member : members) {
            seen.add(member.endpoint());
        }
        return new Reading(List.copyOf(members), "");
    }

    private void closeConsole() {
        if (console != null) {
            console.close();
            console = null;
        }
    }

    /** Closes the console it holds, if any. */
    @Override
    public synchronized void close() {
        closeConsole();
    }
}
