package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.scheduler.internal.plan.QueuedJob;
import org.sss.schema.JobState;
import org.sss.schema.JobType;

/** Which queued elements of a limited array a pass may offer its planner. */
class ArrayLimitsTest {
    private static JobType job(String id, String array, Integer limit, JobState state, String allocated) {
        JobType job = new JobType();
        job.setId(id);
        job.setArray(array);
        job.setArrayLimit(limit);
        job.setState(state);
        job.setAllocated(allocated);
        return job;
    }

    @Test
    void anArrayGetsOnlyTheRoomItsRunningElementsLeave() {
        JobType running = job("7[1]", "7[]", 3, JobState.RUNNING, "node1");
        JobType exiting = job("7[2]", "7[]", 3, JobState.EXITING, "node2");
        JobType third = job("7[3]", "7[]", 3, JobState.QUEUED, null);
        JobType fourth = job("7[4]", "7[]", 3, JobState.QUEUED, null);
        JobType free = job("8", null, null, JobState.QUEUED, null);
        JobType unlimited = job("9[1]", "9[]", null, JobState.QUEUED, null);
        ArrayLimits limits = ArrayLimits.of(List.of(running, exiting, third, fourth, free, unlimited));
        assertThat(limits.admit(third)).as("two of three hold nodes: room for one").isTrue();
        assertThat(limits.admit(fourth)).as("the room was taken by the third").isFalse();
        assertThat(limits.admit(free)).isTrue();
        assertThat(limits.admit(unlimited)).isTrue();
        assertThat(ArrayLimits.waiting(fourth).reason()).isEqualTo("array limit: at most 3 elements of 7[] run at once");
    }

    @Test
    void theRoomGoesToTheHighestPrioritiesAndTheOfferKeepsTheOrderGiven() {
        JobType running = job("7[1]", "7[]", 2, JobState.RUNNING, "node1");
        JobType low = job("7[2]", "7[]", 2, JobState.QUEUED, null);
        JobType high = job("7[3]", "7[]", 2, JobState.QUEUED, null);
        JobType other = job("8", null, null, JobState.QUEUED, null);
        java.time.Instant now = java.time.Instant.now();
        QueuedJob lowQueued = new QueuedJob("7[2]", "alice", 1, 1, null, 10, now);
        QueuedJob highQueued = new QueuedJob("7[3]", "alice", 1, 1, null, 1_000, now);
        QueuedJob otherQueued = new QueuedJob("8", "bob", 1, 1, null, 5, now);
        java.util.Map<String, org.sss.scheduler.internal.plan.Plan.Waiting> waiting = new java.util.HashMap<>();
        List<QueuedJob> offered = ArrayLimits.of(List.of(running, low, high, other)).offer(
                List.of(lowQueued, highQueued, otherQueued), java.util.Map.of("7[2]", low, "7[3]", high, "8", other),
                waiting);
        assertThat(offered).containsExactly(highQueued, otherQueued);
        assertThat(waiting).containsOnlyKeys("7[2]");
    }

    @Test
    void endedElementsAndOtherArraysDoNotCount() {
        JobType ended = job("7[1]", "7[]", 1, JobState.COMPLETED, "node1");
        JobType other = job("6[1]", "6[]", 1, JobState.RUNNING, "node2");
        JobType next = job("7[2]", "7[]", 1, JobState.QUEUED, null);
        ArrayLimits limits = ArrayLimits.of(List.of(ended, other, next));
        assertThat(limits.admit(next)).isTrue();
        assertThat(ArrayLimits.waiting(next).reason()).isEqualTo("array limit: at most 1 element of 7[] run at once");
    }
}
