package org.sss.mpd.internal.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs' control groups in the version 1 hierarchies: {@code memory} (the limit in memory.limit_in_bytes, and in
 * memory.memsw.limit_in_bytes where swap is accounted, so a job cannot swap its way past it; the peak in
 * memory.max_usage_in_bytes; OOM kills in memory.oom_control), {@code cpuacct} (CPU time in cpuacct.usage),
 * {@code freezer} (a job is frozen, killed and thawed at its end, so nothing forks away meanwhile) and, when
 * mounted, {@code pids}. Each job's group is {@code BASE/NAME} in each, BASE being the mpd's own group's
 * {@code sss/MPD} subdirectory, made with the first job's group and kept until the mpd stops, as in version 2: making
 * and removing it with every job cost two more groups made and removed in each hierarchy per job. An mpd that never
 * confined a job leaves nothing; one killed leaves BASE empty, and its next start removes it. Thread-safe.
 */
final class CgroupV1 implements CgroupDriver {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupV1.class);
    private final Path memory;
    private final Path cpuacct;
    private final Path freezer;
    private final Path pids;

    /**
     * @param memory  the memory hierarchy's base directory
     * @param cpuacct the cpuacct hierarchy's
     * @param freezer the freezer hierarchy's
     * @param pids    the pids hierarchy's, or null when it is not mounted
     */
    CgroupV1(Path memory, Path cpuacct, Path freezer, Path pids) {
        this.memory = memory;
        this.cpuacct = cpuacct;
        this.freezer = freezer;
        this.pids = pids;
    }

    @Override
    public String describe() {
        return "cgroup v1 under " + memory + ", " + cpuacct + ", " + freezer + (pids == null ? "" : ", " + pids);
    }

    @Override
    public void close() {
        for (Path base : pids == null ? List.of(memory, cpuacct, freezer) : List.of(memory, cpuacct, freezer, pids)) {
            CgroupFiles.rmdir(base);
            CgroupFiles.rmdirIfEmpty(base.getParent());
        }
    }

    @Override
    public JobCgroup create(String name, long memoryBytes) throws IOException {
        Group group = new Group(memory.resolve(name), cpuacct.resolve(name), freezer.resolve(name),
                pids == null ? null : pids.resolve(name), memoryBytes);
        for (Path dir : group.dirs()) {
            Files.createDirectories(dir);
        }
        if (!CgroupFiles.pids(group.freezer.resolve("cgroup.procs")).isEmpty()) {
            group.killAll();
        }
        if (memoryBytes > 0) {
            CgroupFiles.write(group.memory.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
            Path memsw = group.memory.resolve("memory.memsw.limit_in_bytes");
            if (Files.exists(memsw)) {
                CgroupFiles.write(memsw, Long.toString(memoryBytes));
            }
        }
        return group;
    }

    /** One job's directories. */
    private record Group(Path memory, Path cpuacct, Path freezer, Path pids, long memoryLimit) implements JobCgroup {
        List<Path> dirs() {
            List<Path> dirs = new ArrayList<>(List.of(memory, cpuacct, freezer));
            if (pids != null) {
                dirs.add(pids);
            }
            return dirs;
        }

        @Override
        public List<String> procsFiles() {
            return dirs().stream().map(dir -> dir.resolve("cgroup.procs").toString()).toList();
        }

        @Override
        public CgroupUsage usage() {
            return new CgroupUsage(CgroupFiles.number(cpuacct.resolve("cpuacct.usage")),
                    CgroupFiles.number(memory.resolve("memory.max_usage_in_bytes")),
                    CgroupFiles.keyed(memory.resolve("memory.oom_control"), "oom_kill"));
        }

        @Override
        public boolean killAll() {
            Path state = freezer.resolve("freezer.state");
            Path procs = freezer.resolve("cgroup.procs");
            if (CgroupFiles.pids(procs).isEmpty() && CgroupFiles.pids(memory.resolve("cgroup.procs")).isEmpty()) {
                // Nothing left to kill (a job's usual end): a process enters a group only by a member's fork or by
                // being written in, and freezing costs the kernel a code patch on every CPU each way.
                return true;
            }
            try {
                CgroupFiles.write(state, "FROZEN");
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (!Files.readString(state).trim().equals("FROZEN") && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(5_000_000L);
                }
                CgroupFiles.killListed(procs);
            } catch (IOException e) {
                LOG.warn("mpd: cannot freeze control group {} ({}); killing without", freezer, e.getMessage());
            } finally {
                try {
                    CgroupFiles.write(state, "THAWED");
                } catch (IOException e) {
                    LOG.warn("mpd: cannot thaw control group {}: {}", freezer, e.getMessage());
                }
            }
            return CgroupFiles.awaitEmpty(procs) && CgroupFiles.awaitEmpty(memory.resolve("cgroup.procs"));
        }

        @Override
        public void remove() {
            for (Path dir : dirs()) {
                if (!CgroupFiles.rmdir(dir)) {
                    LOG.warn("mpd: cannot remove control group {}", dir);
                }
            }
        }
    }
}
