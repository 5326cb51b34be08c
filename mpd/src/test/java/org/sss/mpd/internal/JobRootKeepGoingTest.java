package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's status with and without keep-going: the first failure, or the highest rank status. */
class JobRootKeepGoingTest {
    private static JobRoot root(int size, boolean keepGoing) {
        JobSpec spec = new JobSpec("1@a", "u", "/", "merged", List.of(),
                List.of(new JobSpec.RankSet(size, "x", List.of(), List.of())), JobSpec.Wishes.NONE, List.of("a", "b"),
                new int[size], 4, 5000, List.of(), "", new JobSpec.Supervision(false, "", 0, keepGoing), PmiMode.BOTH);
        return new JobRoot(spec, null, null);
    }

    @Test
    void withoutKeepGoingTheFirstFailureKillsAndIsTheStatus() {
        JobRoot root = root(4, false);
        assertThat(root.rankExited(0, 0, null)).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.rankExited(1, 3, "rank 1 exited with status 3")).isEqualTo(JobRoot.ExitOutcome.FIRST_FAILURE);
        assertThat(root.rankExited(2, 143, "rank 2 killed")).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.rankExited(3, 143, "rank 3 killed")).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.finishIfDone()).isEqualTo(new JobRoot.Ending(3, "rank 1 exited with status 3"));
    }

    @Test
    void keepGoingFailuresLetTheOthersGoOnAndTheHighestStatusIsTheJobs() {
        JobRoot root = root(4, true);
        assertThat(root.rankExited(1, 3, "rank 1 exited with status 3")).isEqualTo(JobRoot.ExitOutcome.FAILED_OTHERS_GO_ON);
        assertThat(root.rankExited(2, 137, "rank 2 was killed by signal KILL")).isEqualTo(JobRoot.ExitOutcome.FAILED_OTHERS_GO_ON);
        assertThat(root.rankExited(3, 5, "rank 3 exited with status 5")).isEqualTo(JobRoot.ExitOutcome.FAILED_OTHERS_GO_ON);
        assertThat(root.finishIfDone()).isNull();
        assertThat(root.rankExited(0, 0, null)).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.finishIfDone()).isEqualTo(new JobRoot.Ending(137, "rank 2 was killed by signal KILL"));
    }

    @Test
    void keepGoingALostHostKillsNothingAndItsRanksCount255() {
        JobRoot root = root(4, true);
        assertThat(root.running(List.of(2, 3))).containsExactly(2, 3);
        assertThat(root.rankExited(2, 0, null)).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.running(List.of(2, 3))).containsExactly(3);
        assertThat(root.hostLost(1, List.of(2, 3), "host b was lost")).isFalse();
        assertThat(root.rankExited(0, 0, null)).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.rankExited(1, 0, null)).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.finishIfDone()).isEqualTo(new JobRoot.Ending(JobRoot.HOST_LOST, "host b was lost"));
    }

    @Test
    void keepGoingAnAbortStillEndsTheJobWithItsCode() {
        JobRoot root = root(3, true);
        assertThat(root.rankExited(0, 137, "rank 0 was killed")).isEqualTo(JobRoot.ExitOutcome.FAILED_OTHERS_GO_ON);
        assertThat(root.fail(7, "rank 1 called MPI_Abort with exit code 7")).isTrue();
        assertThat(root.rankExited(1, 7, "rank 1 exited with status 7")).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.rankExited(2, 143, "rank 2 killed")).isEqualTo(JobRoot.ExitOutcome.RECORDED);
        assertThat(root.finishIfDone()).isEqualTo(new JobRoot.Ending(7, "rank 1 called MPI_Abort with exit code 7"));
    }
}
