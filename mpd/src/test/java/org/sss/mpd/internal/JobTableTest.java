package org.sss.mpd.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A kill, forget or output hold from the root that overtakes the job's start down the tree. */
class JobTableTest {
    private static Job job(String jid) {
        JobSpec spec = new JobSpec(jid, "u", "/", "merged", List.of(),
                List.of(new JobSpec.RankSet(2, "x", List.of(), List.of())), JobSpec.Wishes.NONE, List.of("a", "b"),
                new int[] {0, 1}, 4, 5000, List.of(), "", new JobSpec.Supervision(false, "", 0, false), PmiMode.BOTH);
        return new Job(spec, 1);
    }

    @Test
    void aStartAfterItsJobsEndIsRefused() {
        JobTable table = new JobTable("b");
        assertThat(table.stopping("7@a", true)).as("nothing of the job here yet").isNull();
        assertThat(table.admit(job("7@a"))).isEqualTo(JobTable.Admission.OVER_BEFORE);
        assertThat(table.get("7@a")).isNull();
    }

    @Test
    void aStartAfterItsJobsKillIsTakenInToBeKilled() {
        JobTable table = new JobTable("b");
        table.stopping("8@a", false);
        Job started = job("8@a");
        assertThat(table.admit(started)).isEqualTo(JobTable.Admission.KILLED_BEFORE);
        assertThat(table.get("8@a")).isSameAs(started);
        assertThat(table.admit(job("8@a"))).as("a repeat of the start").isEqualTo(JobTable.Admission.DUPLICATE);
    }

    @Test
    void aForgetAfterAKillStillRefusesTheStart() {
        JobTable table = new JobTable("b");
        table.stopping("9@a", false);
        table.stopping("9@a", true);
        table.stopping("9@a", false);
        assertThat(table.admit(job("9@a"))).isEqualTo(JobTable.Admission.OVER_BEFORE);
    }

    @Test
    void aKillOfARunningJobLeavesNoNoteAndOtherJobsStartAsUsual() {
        JobTable table = new JobTable("b");
        Job running = job("10@a");
        assertThat(table.admit(running)).isEqualTo(JobTable.Admission.ADDED);
        assertThat(table.stopping("10@a", false)).isSameAs(running);
        table.remove(running);
        assertThat(table.admit(job("10@a"))).as("no note was left by the kill of the job it had")
                .isEqualTo(JobTable.Admission.ADDED);
        assertThat(table.admit(job("11@a"))).isEqualTo(JobTable.Admission.ADDED);
    }

    @Test
    void aHoldOfTheJobsOutputThatCameBeforeItsStartHoldsItFromItsStart() {
        JobTable table = new JobTable("b");
        assertThat(table.flowing("12@a", 3, true)).isNull();
        assertThat(table.flowing("12@a", 2, false)).as("an older release, come late").isNull();
        Job started = job("12@a");
        assertThat(table.admit(started)).isEqualTo(JobTable.Admission.ADDED);
        assertThat(started.outputHeld).isTrue();
        assertThat(started.flowNumber).isEqualTo(3);
        assertThat(table.flowing("12@a", 4, false)).as("once started, the job itself").isSameAs(started);
        Job other = job("13@a");
        table.admit(other);
        assertThat(other.outputHeld).as("no note for another job").isFalse();
    }
}
