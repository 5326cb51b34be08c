package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.mpd.client.UnixSignals;

/** A kill of a whole job on a host (its root lost, the mpd leaving) reaches the ranks still being started too. */
class RankControlTest {
    @Test
    void aKillOfTheWholeJobDoomsTheRanksStillBeingStartedAndThoseNotYetBegun() {
        JobSpec.RankSet set = new JobSpec.RankSet(2, "/bin/true", List.of(), List.of(), "", List.of(), "", "/", "", "");
        JobSpec spec = new JobSpec("7@node1", "", "/", "label", List.of(), List.of(set),
                new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000, List.of(), "", null);
        Job job = new Job(spec, 0);
        LocalRank starting = new LocalRank(0);
        job.ranks.put(0, starting);
        RankControl control = new RankControl(null, null, null, null, null, null, 1000);
        assertThat(control.killLocal(job, UnixSignals.KILL, -1, true)).as("nothing to signal by pid yet").isEmpty();
        assertThat(job.stopping).as("a rank not begun yet is not started").isTrue();
        assertThat(starting.started(4242)).as("the one being started is killed as soon as it has its pid").isTrue();
    }

    /**
     * Once a rank is being reaped its pid may be another process's: a signal to its job between the reap and the
     * exit's record must not reach it. A live process stands in for the pid's next owner.
     */
    @Test
    void aRankBeingReapedIsNotSignalledAgain() throws Exception {
        JobSpec.RankSet set = new JobSpec.RankSet(1, "/bin/true", List.of(), List.of(), "", List.of(), "", "/", "", "");
        JobSpec spec = new JobSpec("8@node1", "", "/", "label", List.of(), List.of(set),
                new JobSpec.Wishes(List.of(), List.of(), List.of(), 1), List.of(), new int[0], 4, 1000, List.of(), "", null);
        Job job = new Job(spec, 0);
        Process nextOwner = new ProcessBuilder("sleep", "30").start();
        try {
            LocalRank local = new LocalRank(0);
            local.started((int) nextOwner.pid());
            job.ranks.put(0, local);
            RankControl control = new RankControl(null, null, null, null, null, null, 1000);
            control.killLeftovers(local); // the reactor, just before it reaps the rank
            assertThat(control.killLocal(job, UnixSignals.TERM, -1, false)).isEmpty();
            assertThat(control.killLocal(job, UnixSignals.KILL, -1, false)).isEmpty();
            assertThat(local.doom()).isZero();
            assertThat(nextOwner.isAlive()).isTrue();
        } finally {
            nextOwner.destroyForcibly();
        }
    }
}
