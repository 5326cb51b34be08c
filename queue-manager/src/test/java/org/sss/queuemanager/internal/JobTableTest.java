package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;

/** The job table: commit before visible, the single allocation point (no node given twice), its indexes. */
class JobTableTest {
    @TempDir
    Path dir;

    private static Job job(long sequence, String depend, boolean held) {
        Job.JobSpec spec = new Job.JobSpec("alice", "job" + sequence, "batch", 1, 1, 60, 0, "", "/tmp", "login1",
                "job.sh", "#!/bin/sh\ntrue\n", "/tmp/job.o" + sequence, "/tmp/job.e" + sequence, "", depend, "", "",
                Map.of("A", "1"), JobLimits.NONE, null, null, null, null, null, true, null);
        return new Job(String.valueOf(sequence), sequence, null, spec, held ? Job.State.HELD : Job.State.QUEUED, held ? Job.Hold.USER : Job.Hold.NONE,
                Instant.now(), null, null, List.of(), null, null, held ? "held" : "", 0, JobUsage.NONE);
    }

    @Test
    void aNodeIsNeverGivenToTwoJobs() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "", false)));
            table.add(List.of(job(2, "", false)));
            assertThat(table.start("1", List.of("node1"), "job-1-1").state()).isEqualTo(Job.State.RUNNING);
            assertThatThrownBy(() -> table.start("2", List.of("node1"), "job-2-1"))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
                    .hasMessageContaining("node1");
            assertThatThrownBy(() -> table.start("1", List.of("node2"), "job-1-2")).hasMessageContaining("running");
            assertThat(table.allocations()).containsExactly(Map.entry("node1", "1"));
            table.change("1", current -> current.completed(0, "", Instant.now()), current -> org.sss.schema.SuiteEvent.JOB_FINISHED);
            assertThat(table.allocations()).isEmpty();
            assertThat(table.start("2", List.of("node1"), "job-2-1").allocated()).containsExactly("node1");
        }
    }

    private static Job element(long sequence, int index, Integer limit) {
        Job.JobSpec spec = new Job.JobSpec("alice", "array", "batch", 1, 1, 60, 0, "", "/tmp", "login1", "job.sh",
                "#!/bin/sh\ntrue\n", "/tmp/job.o" + sequence + "-" + index, "/tmp/job.e" + sequence + "-" + index, "", "",
                "", "", Map.of(), JobLimits.NONE, limit, null, null, null, null, true, null);
        return new Job(sequence + "[" + index + "]", sequence, index, spec, Job.State.QUEUED, Job.Hold.NONE,
                Instant.now(), null, null, List.of(), null, null, "", 0, JobUsage.NONE);
    }

    @Test
    void anArraysLimitHoldsItsElementsThatRunAtOnceAndOutlivesARestart() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(element(5, 1, 2), element(5, 2, 2), element(5, 3, 2), element(5, 4, 2)));
            table.add(List.of(element(6, 1, null), element(6, 2, null)));
            JobTable.Started batch = table.start(List.of(new JobTable.Start("5[1]", List.of("node1"), "a"),
                    new JobTable.Start("5[2]", List.of("node2"), "b"), new JobTable.Start("5[3]", List.of("node3"), "c")));
            assertThat(batch.started()).extracting(Job::id).containsExactly("5[1]", "5[2]");
            assertThat(batch.refused().get("5[3]")).hasMessage(
                    "job 5[3] cannot start: at most 2 elements of array 5[] may run at once");
            assertThat(table.start("6[1]", List.of("node3"), "d").state())
                    .as("another array without a limit is not held by it").isEqualTo(Job.State.RUNNING);
            assertThat(table.start("6[2]", List.of("node4"), "e").state()).isEqualTo(Job.State.RUNNING);
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            assertThat(table.get("5[4]").orElseThrow().spec().arrayLimit()).isEqualTo(2);
            assertThatThrownBy(() -> table.start("5[3]", List.of("node5"), "f"))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
                    .hasMessageContaining("at most 2 elements");
            table.change("5[1]", current -> current.completed(0, "", Instant.now()),
                    current -> org.sss.schema.SuiteEvent.JOB_FINISHED);
            assertThat(table.start("5[3]", List.of("node5"), "f").state()).as("an element's end makes room")
                    .isEqualTo(Job.State.RUNNING);
            assertThatThrownBy(() -> table.start("5[4]", List.of("node6"), "g")).hasMessageContaining("at most 2");
        }
    }

    @Test
    void aJobIsNotStartedBeforeItsBeginTime() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            Job later = job(1, "", false);
            Job.JobSpec spec = later.spec();
            Instant begin = Instant.now().plusSeconds(3600);
            table.add(List.of(new Job("1", 1, null, new Job.JobSpec(spec.user(), spec.name(), spec.queue(), 1, 1, 60, 0,
                    "", "/tmp", "login1", "job.sh", spec.script(), "/tmp/o", "/tmp/e", "", "", "", "", Map.of(),
                    JobLimits.NONE, null, begin, null, null, null, true, null), Job.State.QUEUED, Job.Hold.NONE, Instant.now(), null, null, List.of(),
                    null, null, "", 0, JobUsage.NONE)));
            assertThatThrownBy(() -> table.start("1", List.of("node1"), "job-1-1"))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
                    .hasMessageContaining("cannot start before");
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            assertThat(store.loadAll().getFirst().spec().begin()).as("kept across a restart").isNotNull();
        }
    }

    @Test
    void aJobIsStartedOnlyWithTheNodesItRequiresAndNoneItExcludes() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            Job.JobSpec spec = job(1, "", false).spec();
            table.add(List.of(new Job("1", 1, null, new Job.JobSpec(spec.user(), spec.name(), spec.queue(), 2, 1, 60, 0,
                    "", "/tmp", "login1", "job.sh", spec.script(), "/tmp/o", "/tmp/e", "", "", "", "", Map.of(),
                    JobLimits.NONE, null, null, new NodeChoice(List.of("node3"), List.of("node1", "node2"), List.of("ib"), 2),
                    null, null, true, null),
                    Job.State.QUEUED, Job.Hold.NONE, Instant.now(), null, null, List.of(), null, null, "", 0,
                    JobUsage.NONE)));
            assertThatThrownBy(() -> table.start("1", List.of("node4", "node5"), "job-1-1"))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
                    .hasMessage("job 1 cannot start on node4 node5: it must be given node(s) node3");
            assertThatThrownBy(() -> table.start("1", List.of("node3", "node2"), "job-1-1"))
                    .hasMessage("job 1 cannot start on node3 node2: it excludes node node2");
            assertThat(table.start("1", List.of("node4", "node3"), "job-1-1").allocated()).containsExactly("node4", "node3");
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            assertThat(store.loadAll().getFirst().spec().nodeChoice()).as("kept across a restart")
                    .isEqualTo(new NodeChoice(List.of("node3"), List.of("node1", "node2"), List.of("ib"), 2));
        }
    }

    @Test
    void aNumberIsNotGivenAgainAfterItsJobLeftTheHistory() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            for (int i = 0; i < 3; i++) {
                table.add(List.of(job(table.nextSequence(), "", false)));
            }
            table.change("3", current -> current.completed(0, "", Instant.now()), current -> org.sss.schema.SuiteEvent.JOB_FINISHED);
            store.delete(List.of("1", "2", "3"));
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            assertThat(store.loadAll()).as("the history pruned").isEmpty();
            assertThat(new JobTable(store, store.loadAll()).nextSequence())
                    .as("job 3's accounting record outlives it: its number is not given again").isEqualTo(4);
        }
    }

    @Test
    void theIndexesFollowEveryChangeInSubmissionOrder() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(3, "", false)));
            table.add(List.of(job(1, "afterok:3", false)));
            table.add(List.of(job(2, "", true)));
            assertThat(table.queued()).extracting(Job::id).containsExactly("1", "3");
            assertThat(table.waitingOnDependencies()).extracting(Job::id).containsExactly("1");
            table.change("2", current -> current.withHold(Job.Hold.NONE), current -> null);
            assertThat(table.queued()).extracting(Job::id).containsExactly("1", "2", "3");
            table.start("3", List.of("node1"), "job-3-1");
            assertThat(table.queued()).extracting(Job::id).containsExactly("1", "2");
            assertThat(table.unfinished()).extracting(Job::id).containsExactly("1", "2", "3");
            table.change("1", current -> current.completed(null, "dependency can never be met", Instant.now()),
                    current -> org.sss.schema.SuiteEvent.JOB_FINISHED);
            assertThat(table.waitingOnDependencies()).isEmpty();
            assertThat(table.unfinished()).extracting(Job::id).containsExactly("2", "3");
            table.forget(List.of("1"));
            assertThat(table.get("1")).isEmpty();
            assertThat(table.queued()).extracting(Job::id).containsExactly("2");
            assertThat(table.unfinished()).extracting(Job::id).containsExactly("2", "3");
        }
    }

    @Test
    void whatWasCommittedIsThereAfterReopeningWithItsAllocations() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "", false), job(2, "", false)));
            table.start("1", List.of("node7"), "job-1-1");
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            assertThat(table.all()).extracting(Job::id).containsExactly("1", "2");
            assertThat(table.get("1").orElseThrow().spec().environment()).containsEntry("A", "1");
            assertThat(table.allocations()).containsExactly(Map.entry("node7", "1"));
            assertThat(table.queued()).extracting(Job::id).containsExactly("2");
            assertThat(table.nextSequence()).isEqualTo(3);
            assertThatThrownBy(() -> table.start("2", List.of("node7"), "job-2-1")).hasMessageContaining("node7");
        }
    }

    @Test
    void aJobsEndIsCommittedWithTheFsyncAndItsNodeIsFreeAtOnce() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "", false), job(2, "", false)));
            table.start("1", List.of("node1"), "job-1-1");
            long unsynced = store.unsyncedCommits();
            table.change("1", current -> current.completed(0, "", Instant.now()), current -> org.sss.schema.SuiteEvent.JOB_FINISHED);
            assertThat(store.unsyncedCommits()).as("the end is on disk before the process manager may forget the group")
                    .isEqualTo(unsynced);
            assertThat(table.get("1").orElseThrow().isCompleted()).isTrue();
            assertThat(table.allocations()).as("its node is free at once").isEmpty();
            table.start("2", List.of("node1"), "job-2-1");
            assertThat(store.unsyncedCommits()).as("a start is synced").isEqualTo(unsynced);
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            assertThat(table.get("1").orElseThrow().exitStatus()).isEqualTo(0);
            assertThat(table.allocations()).containsExactly(Map.entry("node1", "2"));
        }
    }

    @Test
    void aBatchOfStartsIsOneCommitAndARefusedStartLeavesTheOthers() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "", false), job(2, "", false), job(3, "", false), job(4, "", true)));
            long commits = store.commits();
            JobTable.Started result = table.start(List.of(new JobTable.Start("1", List.of("node1"), "job-1-1"),
                    new JobTable.Start("2", List.of("node1"), "job-2-1"),
                    new JobTable.Start("3", List.of("node2"), "job-3-1"),
                    new JobTable.Start("4", List.of("node3"), "job-4-1"),
                    new JobTable.Start("1", List.of("node4"), "job-1-1")));
            assertThat(store.commits()).as("one transaction for the batch").isEqualTo(commits + 1);
            assertThat(result.started()).extracting(Job::id).containsExactly("1", "3");
            assertThat(result.refused()).containsOnlyKeys("2", "4", "1");
            assertThat(result.refused().get("2")).hasMessage("node node1 is allocated to job 1");
            assertThat(result.refused().get("4").code()).isEqualTo(ErrorCode.INVALID_STATE);
            assertThat(result.refused().get("1")).hasMessageContaining("started twice");
            assertThat(table.allocations()).containsOnly(Map.entry("node1", "1"), Map.entry("node2", "3"));
            assertThat(table.start(List.of(new JobTable.Start("2", List.of("node1"), "job-2-1"))).started())
                    .as("nothing to store: no commit").isEmpty();
            assertThat(store.commits()).isEqualTo(commits + 1);
        }
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            assertThat(table.allocations()).as("durable").containsOnly(Map.entry("node1", "1"), Map.entry("node2", "3"));
        }
    }

    @Test
    void changesOfABatchAreOneCommitAndARefusalChangesNothing() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "", false), job(2, "", false)));
            table.start(List.of(new JobTable.Start("1", List.of("node1"), "job-1-1"),
                    new JobTable.Start("2", List.of("node2"), "job-2-1")));
            long commits = store.commits();
            JobTable.Change end = current -> current.completed(0, "", Instant.now());
            JobTable.Change hold = current -> current.isCompleted() ? current.withHold(Job.Hold.USER) : current;
            List<Job> after = table.changeAll(List.of(new JobTable.Update("1", end, current -> org.sss.schema.SuiteEvent.JOB_FINISHED),
                    new JobTable.Update("2", end, current -> org.sss.schema.SuiteEvent.JOB_FINISHED),
                    new JobTable.Update("1", JobTable.Change.always(current -> current), current -> null)));
            assertThat(store.commits()).as("one transaction").isEqualTo(commits + 1);
            assertThat(after).extracting(Job::isCompleted).containsExactly(true, true, true);
            assertThat(table.allocations()).as("both nodes free").isEmpty();
            assertThatThrownBy(() -> table.changeAll(List.of(new JobTable.Update("1", hold, current -> null),
                    new JobTable.Update("9", hold, current -> null)))).hasMessageContaining("no job 9");
            assertThat(store.commits()).as("nothing stored").isEqualTo(commits + 1);
        }
    }
}
