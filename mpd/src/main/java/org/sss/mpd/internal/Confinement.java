package org.sss.mpd.internal;

import java.util.List;

/**
 * What a job is held to on the ring: the hosts it was given and the control group its processes share on each of
 * them. The process manager sets it for a queue manager's job; every job started under it — by the job's own
 * {@code mpiexec} (a job console), or by {@code MPI_Comm_spawn} — inherits it unchanged, so they all run inside the
 * same allocation and share the job's control group and limits on each host.
 *
 * @param name        the control group's name on each host (the process manager's pgid, made safe for a path), or
 *                    empty for no control group
 * @param allocation  the hosts (mpd ids or host names) the job's ranks may run on; empty for any
 * @param memoryBytes the memory its processes on one host may use together, or 0 for no limit
 * @param cpuSeconds  the CPU time its processes on all its hosts may use together, or 0 for no limit
 * @param owner       the job id ({@code N@rootid}) of the job the confinement was given to, whose root sums the
 *                    usage and ends the job when a limit is exceeded (set by that root when it places the job)
 */
public record Confinement(String name, List<String> allocation, long memoryBytes, long cpuSeconds, String owner) {
    /** Nothing confined: any host, no control group. */
    public static final Confinement NONE = new Confinement("", List.of(), 0, 0, "");
    /** Longest control group name. */
    public static final int MAX_NAME = 100;

    /** Checks the values and copies the list. */
    public Confinement {
        name = name == null ? "" : name;
        owner = owner == null ? "" : owner;
        allocation = List.copyOf(allocation);
        if (!name.isEmpty() && !safeName(name)) {
            throw new IllegalArgumentException("a confinement name is 1-" + MAX_NAME
                    + " letters, digits, '-', '_' or '.', not starting with '.'");
        }
        if (memoryBytes < 0 || cpuSeconds < 0) {
            throw new IllegalArgumentException("a confinement limit cannot be negative");
        }
    }

    /**
     * @param text a name asked for
     * @return whether it can name a control group directory
     */
    public static boolean safeName(String text) {
        return text.length() <= MAX_NAME && text.matches("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    }

    /** @return whether the job has a control group on its hosts */
    public boolean grouped() {
        return !name.isEmpty();
    }

    /** @return whether its hosts are limited to an allocation */
    public boolean allocated() {
        return !allocation.isEmpty();
    }

    /**
     * @param jid the job the confinement is given to
     * @return a copy owned by that job, unless it has an owner already (an inherited confinement keeps its own)
     */
    public Confinement ownedBy(String jid) {
        return !owner.isEmpty() || this.equals(NONE) ? this : new Confinement(name, allocation, memoryBytes, cpuSeconds, jid);
    }

    /**
     * @param member a ring member
     * @return whether it is in the allocation (by id or host name); any member is when there is no allocation
     */
    public boolean allows(Member member) {
        return allocation.isEmpty() || allocation.contains(member.id()) || allocation.contains(member.host());
    }

    /** @return how the job is named in messages ("job 3@node1", "job-7-1"): its control group name, else its owner */
    public String jobName() {
        String named = name.isEmpty() ? owner : name;
        return named.startsWith("job") ? named : "job " + named;
    }
}
