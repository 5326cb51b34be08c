package org.sss.mpd.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * What a job's processes used, as its hosts' control groups measured it: at the job's root the whole job's (each
 * host's group reports when it is removed, and jobs the job started add theirs when they end), on another host the
 * jobs started under this part of the job (an mpiexec's job, whose root is here) until this part reports. Also, at
 * the root of a job with a {@code cput} limit, each host's CPU time so far, which the hosts send while the job runs.
 * Peak memory is the sum of the hosts' peaks (each host's group is measured on its own; the peaks of groups on
 * different hosts need not have been at the same moment, so the sum is an upper bound). Thread-safe.
 */
final class UsageTally {
    private long cpuNanos;
    private long peakBytes;
    private boolean measured;
    private final Map<String, Long> liveCpu = new HashMap<>();

    /**
     * @param cpu  CPU time in nanoseconds
     * @param peak peak memory in bytes
     */
    synchronized void add(long cpu, long peak) {
        cpuNanos += cpu;
        peakBytes += peak;
        measured = true;
    }

    /** @param other another tally, added to this one */
    void add(UsageTally other) {
        long[] values;
        synchronized (other) {
            if (!other.measured) {
                return;
            }
            values = new long[] {other.cpuNanos, other.peakBytes};
        }
        add(values[0], values[1]);
    }

    /** @return whether any host measured anything */
    synchronized boolean measured() {
        return measured;
    }

    /** @return CPU time in nanoseconds */
    synchronized long cpuNanos() {
        return cpuNanos;
    }

    /** @return the sum of the hosts' peak memory, bytes */
    synchronized long peakBytes() {
        return peakBytes;
    }

    /**
     * A host's CPU time so far (for the job's {@code cput}).
     *
     * @param host the host
     * @param cpu  its CPU time in nanoseconds, all its groups of the job together
     * @return the job's CPU time on all hosts so far
     */
    synchronized long live(String host, long cpu) {
        liveCpu.merge(host, cpu, Math::max);
        return liveCpu.values().stream().mapToLong(Long::longValue).sum();
    }
}
