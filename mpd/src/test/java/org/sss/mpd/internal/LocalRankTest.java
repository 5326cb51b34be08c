package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A kill of a job that comes while one of its ranks is being started (its pid not known yet) is not lost: the rank is
 * killed as soon as it has a pid. Before this, the kill skipped it, the job's forget gave its {@code PMI_ID} back, and
 * the rank ran on to connect with an id no longer known ("no rank with pmiid N here"), an orphan of a finished job.
 */
class LocalRankTest {
    @Test
    void aKillDuringTheStartIsCarriedOutOnceThePidIsKnown() {
        LocalRank rank = new LocalRank(3);
        assertThat(rank.doom()).as("no pid yet: nothing to signal now").isZero();
        assertThat(rank.started(4242)).as("the start must kill it").isTrue();
    }

    @Test
    void aRankStartedUndisturbedRunsAndIsSignalledByPid() {
        LocalRank rank = new LocalRank(0);
        assertThat(rank.started(4242)).isFalse();
        assertThat(rank.doom()).isEqualTo(4242);
    }

    @Test
    void anExitedRankIsNotSignalled() {
        LocalRank rank = new LocalRank(1);
        rank.started(4242);
        synchronized (rank) {
            rank.exited = true;
        }
        assertThat(rank.doom()).isZero();
    }
}
