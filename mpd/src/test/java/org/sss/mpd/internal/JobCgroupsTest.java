package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sss.mpd.internal.cgroup.CgroupDriver;
import org.sss.mpd.internal.cgroup.CgroupUsage;
import org.sss.mpd.internal.cgroup.JobCgroup;

/** A job's group on a host, as the mpd keeps it: what its end reports. */
class JobCgroupsTest {
    /** A group whose kernel keeps no peak (cgroup v2 before 5.19): its memory reads as what is in it now. */
    private static final class NoPeakGroup implements JobCgroup {
        volatile boolean killed;

        @Override
        public List<String> procsFiles() {
            return List.of();
        }

        @Override
        public CgroupUsage usage() {
            return killed ? new CgroupUsage(5_000_000, 4096, 0) : new CgroupUsage(4_000_000, 300_000_000, 0);
        }

        @Override
        public boolean killAll() {
            killed = true;
            return true;
        }

        @Override
        public void remove() {
        }

        @Override
        public long memoryLimit() {
            return 0;
        }
    }

    /** @return a driver whose every group is this one */
    private static CgroupDriver driverOf(JobCgroup group) {
        return new CgroupDriver() {
            @Override
            public String describe() {
                return "test";
            }

            @Override
            public JobCgroup create(String name, long memoryBytes) {
                return group;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void theMemoryReportedIsWhatTheJobHeldNotWhatIsLeftAfterItsGroupIsEmptied() {
        NoPeakGroup group = new NoPeakGroup();
        CgroupDriver driver = driverOf(group);
        JobCgroups cgroups = new JobCgroups(Optional.of(driver), "", "mpd1");
        JobSpec.RankSet set = new JobSpec.RankSet(1, "/bin/true", List.of(), List.of(), "", List.of(), "", "/", "", "");
        JobSpec spec = new JobSpec("3@mpd1", "", "/", "label", List.of(), List.of(set),
                new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000, List.of(), "",
                JobSpec.Supervision.ATTACHED, PmiMode.BOTH, new Confinement("job-3-1", List.of(), 0, 0, ""));
        Job job = new Job(spec, 0);
        cgroups.enter(job);
        JobCgroups.Left left = cgroups.leave(job);
        assertThat(left.usage().peakBytes()).as("read before the kill emptied it").isEqualTo(300_000_000);
        assertThat(left.usage().cpuNanos()).as("read after the kill: every process's CPU time").isEqualTo(5_000_000);
    }

    /** Each OOM kill the kernel counts explains one SIGKILLed process, not every later one. */
    @Test
    void anOomKillIsTheReasonOfOneSigkilledProcessNotOfEveryLaterOne() {
        long[] oomKills = {0};
        JobCgroup group = new JobCgroup() {
            @Override
            public List<String> procsFiles() {
                return List.of();
            }

            @Override
            public CgroupUsage usage() {
                return new CgroupUsage(0, 0, oomKills[0]);
            }

            @Override
            public boolean killAll() {
                return true;
            }

            @Override
            public void remove() {
            }

            @Override
            public long memoryLimit() {
                return 100L << 20;
            }
        };
        CgroupDriver driver = driverOf(group);
        JobCgroups cgroups = new JobCgroups(Optional.of(driver), "", "mpd1");
        JobSpec.RankSet set = new JobSpec.RankSet(2, "/bin/true", List.of(), List.of(), "", List.of(), "", "/", "", "");
        JobSpec spec = new JobSpec("4@mpd1", "", "/", "label", List.of(), List.of(set),
                new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000, List.of(), "",
                JobSpec.Supervision.ATTACHED, PmiMode.BOTH, new Confinement("job-4-1", List.of(), 100L << 20, 0, ""));
        Job job = new Job(spec, 0);
        cgroups.enter(job);
        assertThat(cgroups.memoryExceeded(job)).as("no OOM kill yet").isNull();
        oomKills[0] = 1;
        assertThat(cgroups.memoryExceeded(job)).as("the rank the kernel killed").contains("memory limit");
        assertThat(cgroups.memoryExceeded(job)).as("a rank SIGKILLed later, by the job's kill").isNull();
    }
}
