package org.sss.mpd.internal.cgroup;

/**
 * What a control group's processes used, as the kernel counts it.
 *
 * @param cpuNanos  CPU time, user and system, of every process that was in the group
 * @param peakBytes the most memory the group held at once (0 if the kernel does not say)
 * @param oomKills  processes the kernel killed for the group's memory limit
 */
public record CgroupUsage(long cpuNanos, long peakBytes, long oomKills) {
    /** Nothing used. */
    public static final CgroupUsage NONE = new CgroupUsage(0, 0, 0);
}
