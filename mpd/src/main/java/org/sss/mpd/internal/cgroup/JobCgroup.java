package org.sss.mpd.internal.cgroup;

import java.util.List;

/**
 * One job's control group on this host (a directory in each hierarchy the driver uses). A process joins it by
 * writing its pid to each of {@link #procsFiles} (the launch helper does so before it executes the program, so
 * the program and everything it starts are in it from the first instruction). Thread-safe.
 */
public interface JobCgroup {
    /** @return the files a process writes its pid to, to join the group */
    List<String> procsFiles();

    /** @return what its processes have used so far */
    CgroupUsage usage();

    /**
     * Kills every process in the group — including any that left its session or process group — and waits (a few
     * seconds at most) until the group is empty.
     *
     * @return whether it is empty
     */
    boolean killAll();

    /** Removes the group's directories (it must be empty); a failure is logged, not thrown. */
    void remove();

    /** @return the memory limit in bytes, 0 for none */
    long memoryLimit();
}
