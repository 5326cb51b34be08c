package org.sss.processmanager.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Principal;
import org.sss.lib.xml.Restriction;
import org.sss.schema.PgRestrictionType;
import org.sss.schema.ProcRestrictionType;

/**
 * The process groups the process manager holds, by pgid and, in creation order, split into those whose end is not
 * yet recorded (live) and those whose end is (history): a query for running groups walks only the live ones, and
 * the history is what retention trims. Thread-safe.
 */
final class GroupTable {
    private final Map<String, ProcessGroup> byPgid = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, ProcessGroup> live = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, ProcessGroup> history = new ConcurrentSkipListMap<>();

    /**
     * @param group a group
     * @return true if it was added, false if its pgid is taken
     */
    boolean add(ProcessGroup group) {
        if (byPgid.putIfAbsent(group.pgid(), group) != null) {
            return false;
        }
        (group.state() == ProcessGroup.State.ENDED && group.recorded().isDone() ? history : live).put(group.number(), group);
        return true;
    }

    /** @return the group with this pgid, or {@code null} */
    ProcessGroup get(String pgid) {
        return byPgid.get(pgid);
    }

    /** @return true if this very group is in the table */
    boolean holds(ProcessGroup group) {
        return byPgid.get(group.pgid()) == group;
    }

    /** Moves a group whose end is now recorded to the history. */
    void recorded(ProcessGroup group) {
        if (holds(group)) {
            history.put(group.number(), group);
            live.remove(group.number(), group);
        }
    }

    /** Forgets a group (if this very group is held). */
    void remove(ProcessGroup group) {
        if (byPgid.remove(group.pgid(), group)) {
            live.remove(group.number(), group);
            history.remove(group.number(), group);
        }
        group.forgotten();
    }

    /** @return every group, in creation order */
    List<ProcessGroup> all() {
        List<ProcessGroup> all = new ArrayList<>(live.values());
        all.addAll(history.values());
        all.sort(java.util.Comparator.comparingLong(ProcessGroup::number));
        return all;
    }

    /** @return the groups whose end is recorded, in creation order */
    Collection<ProcessGroup> history() {
        return history.values();
    }

    /**
     * @param before an instant
     * @return the recorded groups that ended before it and that no component is to release (a group a component
     *         created, such as the queue manager's, is kept until that component says it has recorded the end)
     */
    List<ProcessGroup> expired(Instant before) {
        List<ProcessGroup> expired = new ArrayList<>();
        for (ProcessGroup group : history.values()) {
            Instant ended = group.ended();
            if (ended != null && ended.isBefore(before) && !group.creator().startsWith("component ")) {
                expired.add(group);
            }
        }
        return expired;
    }

    /** @return how many groups there are in each state */
    Map<String, Long> countByState() {
        Map<String, Long> counts = new TreeMap<>();
        for (ProcessGroup.State state : ProcessGroup.State.values()) {
            counts.put(state.xml(), 0L);
        }
        for (ProcessGroup group : live.values()) {
            counts.merge(group.state().xml(), 1L, Long::sum);
        }
        for (ProcessGroup group : history.values()) {
            counts.merge(group.state().xml(), 1L, Long::sum);
        }
        return counts;
    }

    /**
     * The groups some restrictions select, among those the principal may act on. A pgid without wildcard is looked
     * up; a restriction to starting or running groups walks only the live ones.
     *
     * @param restrictions the request's {@code process-group} elements
     * @param principal    who asks
     * @return the matching groups, in creation order, each once
     * @throws SssException not-found for a pgid (without wildcard) that does not exist, permission-denied for one
     *                      that belongs to someone else
     */
    List<ProcessGroup> select(List<PgRestrictionType> restrictions, Principal principal) throws SssException {
        Set<ProcessGroup> selected = new LinkedHashSet<>();
        for (PgRestrictionType restriction : restrictions) {
            if (explicit(restriction)) {
                ProcessGroup group = byPgid.get(restriction.getPgid());
                if (group == null) {
                    throw SssException.notFound("no process group " + restriction.getPgid());
                }
                if (!principal.mayActFor(group.submitter())) {
                    throw SssException.permissionDenied(principal + " may not act on process group "
                            + restriction.getPgid() + " of " + group.submitter());
                }
                if (matches(restriction, group)) {
                    selected.add(group);
                }
                continue;
            }
            for (ProcessGroup group : candidates(restriction)) {
                if (principal.mayActFor(group.submitter()) && matches(restriction, group)) {
                    selected.add(group);
                }
            }
        }
        List<ProcessGroup> result = new ArrayList<>(selected);
        result.sort(java.util.Comparator.comparingLong(ProcessGroup::number));
        return result;
    }

    private Collection<ProcessGroup> candidates(PgRestrictionType restriction) {
        String state = restriction.getState();
        boolean liveOnly = state != null && !state.contains(Restriction.ANY)
                && !ProcessGroup.State.ENDED.xml().equals(state);
        return liveOnly ? live.values() : all();
    }

    /**
     * @param restriction a restriction
     * @return whether it names one group explicitly (a pgid without wildcard)
     */
    static boolean explicit(PgRestrictionType restriction) {
        return restriction.getPgid() != null && !restriction.getPgid().contains(Restriction.ANY);
    }

    private static boolean matches(PgRestrictionType restriction, ProcessGroup group) {
        if (!Restriction.matches(restriction.getPgid(), group.pgid())
                || !Restriction.matches(restriction.getSubmitter(), group.submitter())
                || !Restriction.matches(restriction.getTotalprocs(), Integer.toString(group.totalprocs()))
                || !Restriction.matches(restriction.getState(), group.state().xml())) {
            return false;
        }
        if (restriction.getProcess().isEmpty()) {
            return true;
        }
        for (ProcessGroup.Rank rank : group.ranks()) {
            for (ProcRestrictionType process : restriction.getProcess()) {
                if (Restriction.matches(process.getHost(), rank.host())
                        && Restriction.matches(process.getPid(), Integer.toString(rank.pid()))
                        && Restriction.matches(process.getExec(), rank.exec())) {
                    return true;
                }
            }
        }
        return false;
    }
}
