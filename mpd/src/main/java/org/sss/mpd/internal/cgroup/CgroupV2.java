package org.sss.mpd.internal.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs' control groups in the unified (version 2) hierarchy: {@code BASE/NAME}, BASE being a directory whose
 * cgroup.subtree_control enables memory, cpu and pids for its children. The limit is memory.max (and
 * memory.swap.max 0, so a job cannot swap its way past it); CPU time is cpu.stat's usage_usec, the peak
 * memory.peak (memory.current where the kernel has no peak), OOM kills memory.events' oom_kill. At a job's end
 * cgroup.kill kills everything in it at once; a kernel without it (before 5.14) gets cgroup.freeze, a kill of
 * each process and a thaw. Thread-safe.
 */
final class CgroupV2 implements CgroupDriver {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupV2.class);
    private final Path base;

    /** @param base the directory the jobs' groups are made in, its children's controllers enabled */
    CgroupV2(Path base) {
        this.base = base;
    }

    @Override
    public String describe() {
        return "cgroup v2 under " + base;
    }

    @Override
    public void close() {
        CgroupFiles.rmdir(base);
        CgroupFiles.rmdirIfEmpty(base.getParent());
    }

    @Override
    public JobCgroup create(String name, long memoryBytes) throws IOException {
        Group group = new Group(base.resolve(name), memoryBytes);
        Files.createDirectories(group.dir);
        if (!CgroupFiles.pids(group.dir.resolve("cgroup.procs")).isEmpty()) {
            group.killAll();
        }
        if (memoryBytes > 0) {
            CgroupFiles.write(group.dir.resolve("memory.max"), Long.toString(memoryBytes));
            Path swap = group.dir.resolve("memory.swap.max");
            if (Files.exists(swap)) {
                CgroupFiles.write(swap, "0");
            }
        }
        return group;
    }

    /** One job's directory. */
    private record Group(Path dir, long memoryLimit) implements JobCgroup {
        @Override
        public List<String> procsFiles() {
            return List.of(dir.resolve("cgroup.procs").toString());
        }

        @Override
        public CgroupUsage usage() {
            long peak = CgroupFiles.number(dir.resolve("memory.peak"));
            return new CgroupUsage(CgroupFiles.keyed(dir.resolve("cpu.stat"), "usage_usec") * 1000,
                    peak > 0 ? peak : CgroupFiles.number(dir.resolve("memory.current")),
                    CgroupFiles.keyed(dir.resolve("memory.events"), "oom_kill"));
        }

        @Override
        public boolean killAll() {
            Path procs = dir.resolve("cgroup.procs");
            Path kill = dir.resolve("cgroup.kill");
            if (Files.exists(kill)) {
                try {
                    CgroupFiles.write(kill, "1");
                    return CgroupFiles.awaitEmpty(procs);
                } catch (IOException e) {
                    LOG.warn("mpd: cannot write {} ({}); freezing and killing instead", kill, e.getMessage());
                }
            }
            Path freeze = dir.resolve("cgroup.freeze");
            try {
                CgroupFiles.write(freeze, "1");
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (CgroupFiles.keyed(dir.resolve("cgroup.events"), "frozen") != 1 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(5_000_000L);
                }
                CgroupFiles.killListed(procs);
            } catch (IOException e) {
                LOG.warn("mpd: cannot freeze control group {} ({}); killing without", dir, e.getMessage());
            } finally {
                try {
                    CgroupFiles.write(freeze, "0");
                } catch (IOException e) {
                    LOG.warn("mpd: cannot thaw control group {}: {}", dir, e.getMessage());
                }
            }
            return CgroupFiles.awaitEmpty(procs);
        }

        @Override
        public void remove() {
            if (!CgroupFiles.rmdir(dir)) {
                LOG.warn("mpd: cannot remove control group {}", dir);
            }
        }
    }
}
