package org.sss.mpd.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.util.BoundedMap;
import org.sss.mpd.internal.cgroup.CgroupDriver;
import org.sss.mpd.internal.cgroup.CgroupUsage;
import org.sss.mpd.internal.cgroup.JobCgroup;

/**
 * This host's control groups of confined jobs ({@link Confinement#grouped}), one per confinement name: every job
 * started under one confinement (the process manager's job, the mpiexecs and spawns it makes) shares its group here,
 * so the limits hold for all of them together, and jobs of different confinements never share one. A group is made
 * when the first such job starts ranks here ({@link #enter}) and, when the last of them has no rank left here
 * ({@link #leave}), everything still in it is killed — whatever left its session — its use read and the group
 * removed. Without a usable hierarchy (a non-root mpd, none mounted) nothing is grouped: the mpd logs it once, the
 * jobs that asked for limits are told on their error stream what is not enforced, and their {@code cput} falls back
 * to a per-process RLIMIT_CPU. Thread-safe.
 */
final class JobCgroups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobCgroups.class);
    private static final long MIB = 1024 * 1024;
    /** Names whose earlier groups' CPU time is kept (the oldest are forgotten past this). */
    private static final int MAX_RETIRED = 4096;
    private final Optional<CgroupDriver> driver;
    private final String problem;
    private final String selfId;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Runnable groupMade;
    /** CPU time of groups already removed, per confinement name: a later group of the name adds to it. */
    private final Map<String, Long> retiredCpu = new BoundedMap<>(MAX_RETIRED);

    /**
     * What a job's ranks here are started with.
     *
     * @param procsFiles the control group files each rank writes its pid to (empty: no group)
     * @param limits     per-process limits standing in for a group ({@code cpu=N} for cput)
     * @param notice     what this host cannot enforce for the job, for the job's standard error; null if nothing
     */
    record Entered(List<String> procsFiles, List<String> limits, String notice) {
        /** Not confined. */
        static final Entered NONE = new Entered(List.of(), List.of(), null);
    }

    /**
     * What a group used, read when it was removed.
     *
     * @param usage    its use
     * @param exceeded the limit its processes went past ("memory limit 100 MB exceeded"), or null
     */
    record Left(CgroupUsage usage, String exceeded) {
    }

    /**
     * A live group, as the watch sees it.
     *
     * @param held     its confinement
     * @param cpuNanos the CPU time of its processes on this host, earlier groups of the name included
     * @param exceeded the memory limit's reason if its processes were OOM-killed since the last look, else null
     */
    record Live(Confinement held, long cpuNanos, String exceeded) {
    }

    private static final class Entry {
        final Confinement held;
        final JobCgroup group;
        final Set<String> jobs = new LinkedHashSet<>();
        long oomSeen;
        /** The OOM kills already given as the reason of a process's SIGKILL ({@link #memoryExceeded(Job)}). */
        long oomAttributed;

        Entry(Confinement held, JobCgroup group) {
            this.held = held;
            this.group = group;
        }
    }

    /**
     * @param driver  the host's control groups, if usable
     * @param problem why they are not, otherwise
     * @param selfId  this mpd's id, for logs
     */
    JobCgroups(Optional<CgroupDriver> driver, String problem, String selfId) {
        this(driver, problem, selfId, () -> { });
    }

    /**
     * @param driver    the host's control groups, if jobs can be confined here
     * @param problem   why they cannot, when not
     * @param selfId    this mpd's id, for the log
     * @param groupMade called (outside this object's lock) after a job's group was made here: what watches the
     *                  groups runs only while there are some
     */
    JobCgroups(Optional<CgroupDriver> driver, String problem, String selfId, Runnable groupMade) {
        this.groupMade = groupMade;
        this.driver = driver;
        this.problem = problem;
        this.selfId = selfId;
        if (driver.isPresent()) {
            LOG.info("mpd {}: jobs are confined in control groups: {}", selfId, driver.get().describe());
        } else {
            LOG.warn("mpd {}: jobs cannot be confined on this host ({}): their memory limits are not enforced, their"
                    + " cput is enforced per process only, and processes that leave their session outlive them",
                    selfId, problem);
        }
    }

    /** @return whether jobs get control groups here */
    boolean available() {
        return driver.isPresent();
    }

    /**
     * A job is about to start ranks here: its group is made (or joined).
     *
     * @param job this mpd's part of the job
     * @return what its ranks are started with
     */
    Entered enter(Job job) {
        Confinement held = job.spec.confinement();
        if (!held.grouped()) {
            return Entered.NONE;
        }
        List<String> fallback = held.cpuSeconds() > 0 ? List.of("cpu=" + held.cpuSeconds()) : List.of();
        if (driver.isEmpty()) {
            return new Entered(List.of(), fallback, limited(held) ? notice(held, problem) : null);
        }
        Entered entered;
        synchronized (this) {
            Entry entry = entries.get(held.name());
            if (entry == null) {
                try {
                    entry = new Entry(held, driver.get().create(held.name(), held.memoryBytes()));
                } catch (IOException e) {
                    LOG.warn("mpd {}: job {}: cannot make its control group {}: {}", selfId, job.jid(), held.name(),
                            e.getMessage());
                    return new Entered(List.of(), fallback, notice(held, "its control group could not be made: "
                            + e.getMessage()));
                }
                entries.put(held.name(), entry);
                LOG.info("mpd {}: job {}: control group {} made{}", selfId, job.jid(), held.name(),
                        held.memoryBytes() > 0 ? " with a memory limit of " + megabytes(held.memoryBytes()) : "");
            }
            entry.jobs.add(job.jid());
            entered = new Entered(entry.group.procsFiles(), List.of(), null);
        }
        groupMade.run();
        return entered;
    }

    /** @return whether no group of a job lives here */
    synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * A job has no rank left here: if it was the last of its group's, everything in the group is killed, its use
     * read and the group removed.
     *
     * @param job this mpd's part of the job
     * @return the group's use, if this removed it; null otherwise
     */
    Left leave(Job job) {
        Confinement held = job.spec.confinement();
        Entry entry;
        synchronized (this) {
            entry = entries.get(held.name());
            if (entry == null || !entry.jobs.remove(job.jid()) || !entry.jobs.isEmpty()) {
                return null;
            }
            entries.remove(held.name());
        }
        return retire(entry, job.jid());
    }

    private Left retire(Entry entry, String jid) {
        // The peak is read before the kill too: where the kernel keeps none (cgroup v2 before Linux 5.19 has no
        // memory.peak, only memory.current), an emptied group's memory is about nothing.
        CgroupUsage before = entry.group.usage();
        boolean empty = entry.group.killAll();
        CgroupUsage after = entry.group.usage();
        CgroupUsage usage = new CgroupUsage(Math.max(before.cpuNanos(), after.cpuNanos()),
                Math.max(before.peakBytes(), after.peakBytes()), Math.max(before.oomKills(), after.oomKills()));
        synchronized (this) {
            entry.group.remove();
            if (entry.held.cpuSeconds() > 0) {
                retiredCpu.merge(entry.held.name(), usage.cpuNanos(), Long::sum);
            }
        }
        LOG.info("mpd {}: job {}: control group {} removed{} after {} ms of CPU time, peak memory {} bytes", selfId, jid,
                entry.held.name(), empty ? "" : " (some processes would not die)", usage.cpuNanos() / 1_000_000,
                usage.peakBytes());
        return new Left(usage, usage.oomKills() > 0 ? memoryExceeded(entry.group.memoryLimit()) : null);
    }

    /**
     * Why a process of the job that was SIGKILLed here died: the memory limit, if the kernel has OOM-killed a process
     * of its group that no earlier SIGKILL was put down to. Each OOM kill explains one SIGKILL: once a group has had
     * one, a later SIGKILL (the kill of the job after its grace period) is not the memory's.
     *
     * @param job this mpd's part of a job
     * @return the memory limit's reason, or null
     */
    String memoryExceeded(Job job) {
        Entry entry;
        synchronized (this) {
            entry = entries.get(job.spec.confinement().name());
        }
        if (entry == null) {
            return null;
        }
        long kills = entry.group.usage().oomKills();
        synchronized (this) {
            if (kills <= entry.oomAttributed) {
                return null;
            }
            entry.oomAttributed++;
        }
        return memoryExceeded(entry.group.memoryLimit());
    }

    /** @return the live groups with what they used so far */
    List<Live> live() {
        List<Entry> now;
        synchronized (this) {
            now = new ArrayList<>(entries.values());
        }
        List<Live> live = new ArrayList<>(now.size());
        for (Entry entry : now) {
            CgroupUsage usage = entry.group.usage();
            String exceeded = null;
            synchronized (this) {
                if (usage.oomKills() > entry.oomSeen) {
                    entry.oomSeen = usage.oomKills();
                    exceeded = memoryExceeded(entry.group.memoryLimit());
                }
                live.add(new Live(entry.held, usage.cpuNanos() + retiredCpu.getOrDefault(entry.held.name(), 0L), exceeded));
            }
        }
        return live;
    }

    /**
     * @param held a confinement
     * @return whether a group of it lives here now
     */
    synchronized boolean holds(Confinement held) {
        return entries.containsKey(held.name());
    }

    /**
     * A confinement's job ended everywhere: what earlier groups of its name used here is forgotten.
     *
     * @param held the confinement
     */
    synchronized void forget(Confinement held) {
        if (!entries.containsKey(held.name())) {
            retiredCpu.remove(held.name());
        }
    }

    /** Kills and removes every group (the mpd is exiting). */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        for (Entry entry : all) {
            retire(entry, String.join(",", entry.jobs));
        }
        driver.ifPresent(CgroupDriver::close);
    }

    static String memoryExceeded(long limit) {
        return "memory limit " + megabytes(limit) + " exceeded";
    }

    private static String megabytes(long bytes) {
        return bytes % MIB == 0 ? bytes / MIB + " MB" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (double) MIB);
    }

    /** A job without limits is not told (the mpd's log says it once): only what it asked for and does not get. */
    private static boolean limited(Confinement held) {
        return held.memoryBytes() > 0 || held.cpuSeconds() > 0;
    }

    private String notice(Confinement held, String why) {
        List<String> missing = new ArrayList<>();
        if (held.memoryBytes() > 0) {
            missing.add("its memory limit (" + megabytes(held.memoryBytes()) + ") is not enforced");
        }
        if (held.cpuSeconds() > 0) {
            missing.add("its cput is enforced per process only (RLIMIT_CPU), not for the job as a whole");
        }
        missing.add("processes that leave its session outlive it");
        missing.add("its CPU time and memory are not measured");
        return "mpd " + selfId + ": " + held.jobName() + " is not confined on this host (" + why + "): "
                + String.join("; ", missing) + "\n";
    }
}
