package org.sss.scheduler.internal.plan;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An advance reservation: nodes set aside for some users over a window. Nobody else's job may hold a reserved node at
 * any moment of the window; the users' jobs may run there (and elsewhere).
 *
 * @param id    its id
 * @param nodes the reserved nodes
 * @param start the window's start
 * @param end   the window's end (exclusive)
 * @param users who may use the nodes during the window
 */
public record Reservation(String id, Set<String> nodes, Instant start, Instant end, Set<String> users) {
    /** Checks the window and copies the sets. */
    public Reservation {
        Objects.requireNonNull(id, "id");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("reservation " + id + " ends before it starts");
        }
        nodes = Set.copyOf(nodes);
        users = Set.copyOf(users);
    }

    /**
     * @param user    a job's owner
     * @param from    when the job would start
     * @param until   when it would end at the latest
     * @return whether the reservation keeps that job off its nodes
     */
    boolean excludes(String user, Instant from, Instant until) {
        return !users.contains(user) && from.isBefore(end) && until.isAfter(start);
    }

    /**
     * @param user  a job's owner
     * @param from  the start of a time
     * @param until its end
     * @return whether the reservation keeps that user's jobs off its nodes for the whole of [from, until)
     */
    boolean keepsOffThroughout(String user, Instant from, Instant until) {
        return !users.contains(user) && !from.isBefore(start) && !until.isAfter(end);
    }
}
