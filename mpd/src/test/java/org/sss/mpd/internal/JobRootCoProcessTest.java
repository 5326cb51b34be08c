package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A job's co-processes counted at its root: each end once, whether sent twice or its host lost. */
class JobRootCoProcessTest {
    /** Two ranks on host a and two on b, each set with a co-process: one co-process per host. */
    private static JobRoot root() {
        JobSpec spec = new JobSpec("1@a", "u", "/", "merged", List.of(),
                List.of(new JobSpec.RankSet(4, "x", List.of(), List.of(), "", List.of(), "monitor", "")), JobSpec.Wishes.NONE,
                List.of("a", "b"), new int[] {0, 0, 1, 1}, 4, 5000, List.of(), "",
                new JobSpec.Supervision(false, "", 0, false), PmiMode.BOTH);
        return new JobRoot(spec, null, null);
    }

    private static void allRanksExit(JobRoot root) {
        for (int rank = 0; rank < 4; rank++) {
            root.rankExited(rank, 0, null);
        }
    }

    @Test
    void aCoProcessEndSentAgainCountsOnce() {
        JobRoot root = root();
        allRanksExit(root);
        assertThat(root.coProcessEnded(1, 0)).isTrue();
        assertThat(root.coProcessEnded(1, 0)).as("the copy sent straight to the root").isFalse();
        assertThat(root.finishIfDone()).as("host a's co-process still runs").isNull();
        assertThat(root.coProcessEnded(0, 0)).isTrue();
        assertThat(root.finishIfDone()).isNotNull();
    }

    @Test
    void aLostHostsCoProcessEndedBeforeTheLossIsNotCountedTwice() {
        JobRoot root = root();
        assertThat(root.coProcessEnded(1, 0)).isTrue();
        root.hostLost(1, List.of(2, 3), "host b was lost");
        allRanksExit(root);
        assertThat(root.finishIfDone()).as("host a's co-process still runs").isNull();
        assertThat(root.coProcessEnded(1, 0)).as("host b's, sent again").isFalse();
        assertThat(root.coProcessEnded(0, 0)).isTrue();
        assertThat(root.finishIfDone()).isNotNull();
    }
}
