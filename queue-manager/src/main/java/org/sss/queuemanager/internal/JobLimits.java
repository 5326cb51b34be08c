package org.sss.queuemanager.internal;

/**
 * The resource limits a job asked for with {@code -l}, beyond its nodes and walltime: each 0 when not asked. What a
 * node enforces is {@link #memoryPerNode}: the job's memory divided among its nodes, or its per-process memory times
 * the processes on a node, whichever is less.
 *
 * @param memory        {@code mem}: bytes for the whole job
 * @param processMemory {@code pmem}: bytes for each process (slot)
 * @param virtualMemory {@code vmem}: bytes of virtual memory for the whole job (enforced as memory: a control group
 *                      limits what is resident, not what is mapped)
 * @param cpuSeconds    {@code cput}: CPU seconds for the whole job
 */
public record JobLimits(long memory, long processMemory, long virtualMemory, long cpuSeconds) {
    /** No limits. */
    public static final JobLimits NONE = new JobLimits(0, 0, 0, 0);

    /** @throws IllegalArgumentException if a limit is negative */
    public JobLimits {
        if (memory < 0 || processMemory < 0 || virtualMemory < 0 || cpuSeconds < 0) {
            throw new IllegalArgumentException("a limit cannot be negative");
        }
    }

    /**
     * @param nodes the job's nodes
     * @param ppn   its processes per node
     * @return the memory each of its nodes may use, in bytes, or 0 for no limit
     */
    public long memoryPerNode(int nodes, int ppn) {
        long limit = Long.MAX_VALUE;
        int n = Math.max(1, nodes);
        if (memory > 0) {
            limit = Math.min(limit, ceilDiv(memory, n));
        }
        if (virtualMemory > 0) {
            limit = Math.min(limit, ceilDiv(virtualMemory, n));
        }
        if (processMemory > 0) {
            try {
                limit = Math.min(limit, Math.multiplyExact(processMemory, Math.max(1, ppn)));
            } catch (ArithmeticException tooLarge) {
                // a limit beyond what any node has: no limit from pmem
            }
        }
        return limit == Long.MAX_VALUE ? 0 : limit;
    }

    private static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }
}
