package org.sss.mpd.internal.cgroup;

import java.io.IOException;

/**
 * Makes control groups for jobs on this host, under one directory of each hierarchy it uses (the mpd's own group's
 * {@code sss} subdirectory). Implementations: {@link CgroupV2} (one unified hierarchy with the memory, cpu and pids
 * controllers) and {@link CgroupV1} (the memory, cpuacct, freezer and pids hierarchies); {@link Cgroups#detect}
 * picks one. Thread-safe.
 */
public interface CgroupDriver {
    /** @return what it uses, for logs ("cgroup v1 under /sys/fs/cgroup/memory/sss, …") */
    String describe();

    /**
     * Makes a job's group on this host (or takes over one of that name left behind, emptied first).
     *
     * @param name        the group's name, a safe directory name
     * @param memoryBytes the memory its processes may use together, or 0 for no limit
     * @return the group
     * @throws IOException if it cannot be made or limited
     */
    JobCgroup create(String name, long memoryBytes) throws IOException;

    /** Removes the mpd's own directories (when empty: the mpd is exiting and its jobs' groups are gone). */
    void close();
}
