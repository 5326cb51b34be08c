package org.sss.queuemanager.internal;

/**
 * What a job's processes used, as its nodes measured it (from the job's control groups where the node has them,
 * else from the ranks' own accounting): summed over its runs and nodes. A value is null when no node measured it.
 *
 * @param cpuMillis      CPU time, user and system, in milliseconds
 * @param maxMemoryBytes the sum over its nodes of each node's peak memory, in bytes
 */
public record JobUsage(Long cpuMillis, Long maxMemoryBytes) {
    /** Nothing measured. */
    public static final JobUsage NONE = new JobUsage(null, null);

    /**
     * @param other what a later run used
     * @return both runs' CPU time together, and the larger peak
     */
    public JobUsage plus(JobUsage other) {
        return new JobUsage(sum(cpuMillis, other.cpuMillis), max(maxMemoryBytes, other.maxMemoryBytes));
    }

    private static Long sum(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(a + b);
    }

    private static Long max(Long a, Long b) {
        return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
    }
}
