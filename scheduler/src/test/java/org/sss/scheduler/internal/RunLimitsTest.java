package org.sss.scheduler.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.scheduler.internal.plan.QueuedJob;
import org.sss.schema.JobState;
import org.sss.schema.JobType;

/** Which queued jobs of a limited kind (an array's elements, a user's jobs in a QOS) a pass may offer its planner. */
class RunLimitsTest {
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
        RunLimits limits = RunLimits.arrays(List.of(running, exiting, third, fourth, free, unlimited));
        assertThat(limits.admit(third)).as("two of three hold nodes: room for one").isTrue();
        assertThat(limits.admit(fourth)).as("the room was taken by the third").isFalse();
        assertThat(limits.admit(free)).isTrue();
        assertThat(limits.admit(unlimited)).isTrue();
        assertThat(limits.waiting(fourth).reason()).isEqualTo("array limit: at most 3 elements of 7[] run at once");
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
        List<QueuedJob> offered = RunLimits.arrays(List.of(running, low, high, other)).offer(
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
        RunLimits limits = RunLimits.arrays(List.of(ended, other, next));
        assertThat(limits.admit(next)).isTrue();
        assertThat(limits.waiting(next).reason()).isEqualTo("array limit: at most 1 element of 7[] run at once");
    }

    @Test
    void aUsersJobsInAQosWithALimitGetTheRoomTheirRunningJobsLeave() {
        JobType running = job("1", null, null, JobState.RUNNING, "node1");
        running.setUser("alice");
        running.setQos("debug");
        JobType second = job("2", null, null, JobState.QUEUED, null);
        second.setUser("alice");
        second.setQos("debug");
        JobType bobs = job("3", null, null, JobState.QUEUED, null);
        bobs.setUser("bob");
        bobs.setQos("debug");
        JobType normal = job("4", null, null, JobState.QUEUED, null);
        normal.setUser("alice");
        normal.setQos("normal");
        RunLimits limits = RunLimits.qos(List.of(running, second, bobs, normal), java.util.Map.of("debug", 1));
        assertThat(limits.admit(second)).as("alice's one job in debug holds a node").isFalse();
        assertThat(limits.admit(bobs)).as("each user has the limit").isTrue();
        assertThat(limits.admit(bobs)).as("bob's room taken").isFalse();
        assertThat(limits.admit(normal)).as("a QOS without a limit").isTrue();
        assertThat(limits.waiting(second).reason()).isEqualTo("QOS debug: at most 1 job of alice at once"
                + " (max-jobs-per-user)");
    }

    /**
     * A QOS's room is taken by starts only: alice's first job in line, which waits for two nodes, leaves her one job
     * at once to the smaller one behind it, which backfills; under the same limit her third waits as the QOS says.
     */
    @Test
    void aQosJobWaitingForNodesLeavesItsUsersRoomToAJobThatCanStart() {
        java.time.Instant now = java.time.Instant.parse("2030-01-01T08:00:00Z");
        JobType wide = job("2", null, null, JobState.QUEUED, null);
        JobType small = job("3", null, null, JobState.QUEUED, null);
        JobType third = job("4", null, null, JobState.QUEUED, null);
        for (JobType one : List.of(wide, small, third)) {
            one.setUser("alice");
            one.setQos("debug");
        }
        QueuedJob wideQueued = new QueuedJob("2", "alice", 3, 1, java.time.Duration.ofMinutes(60), 3_000, now);
        QueuedJob smallQueued = new QueuedJob("3", "alice", 1, 1, java.time.Duration.ofMinutes(10), 2_000, now);
        QueuedJob thirdQueued = new QueuedJob("4", "alice", 1, 1, java.time.Duration.ofMinutes(10), 1_000, now);
        org.sss.scheduler.internal.plan.StartGate gate = RunLimits.qos(List.of(wide, small, third),
                java.util.Map.of("debug", 1)).gate(java.util.Map.of("2", wide, "3", small, "4", third));
        org.sss.scheduler.internal.plan.Plan plan = new org.sss.scheduler.internal.plan.Planner().plan(now,
                List.of(new org.sss.scheduler.internal.plan.PlanNode("n1", 2, true),
                        new org.sss.scheduler.internal.plan.PlanNode("n2", 2, true),
                        new org.sss.scheduler.internal.plan.PlanNode("n3", 2, true)),
                List.of(new org.sss.scheduler.internal.plan.RunningJob("r", List.of("n1"), now.plusSeconds(7200))),
                List.of(wideQueued, smallQueued, thirdQueued), List.of(), true, gate);
        assertThat(plan.starts()).extracting(org.sss.scheduler.internal.plan.Plan.Start::jobId).containsExactly("3");
        assertThat(plan.waiting().get("2").reason()).as("first in line, for nodes").contains("first in line");
        assertThat(plan.waiting().get("4").reason()).isEqualTo("QOS debug: at most 1 job of alice at once"
                + " (max-jobs-per-user)");
    }
}
