package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sss.schema.SuiteEvent;

/** The verdicts of {@code after} (the named job has started) and {@code singleton} (earlier jobs of that name ended). */
class DependenciesTest {
    @TempDir
    Path dir;

    private static Job job(long sequence, String user, String name, String depend) {
        Job.JobSpec spec = new Job.JobSpec(user, name, "batch", 1, 1, 60, 0, "", "/tmp", "login1", "job.sh",
                "#!/bin/sh\ntrue\n", "/tmp/o" + sequence, "/tmp/e" + sequence, "", depend, "", "", Map.of(),
                JobLimits.NONE, null, null, null, null, null, true, null);
        return new Job(String.valueOf(sequence), sequence, null, spec, Job.State.QUEUED, Job.Hold.NONE, Instant.now(),
                null, null, List.of(), null, null, "", 0, JobUsage.NONE);
    }

    @Test
    void afterWaitsUntilTheNamedJobHasStarted() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "alice", "first", ""), job(2, "alice", "second", "after:1")));
            assertThat(Dependencies.of(table, table.get("2").orElseThrow()))
                    .isEqualTo(new Dependencies.Status(Dependencies.Verdict.WAITING, "waiting for job 1 to start (after)"));
            table.start("1", List.of("node1"), "job-1-1");
            assertThat(Dependencies.of(table, table.get("2").orElseThrow()).verdict()).isEqualTo(Dependencies.Verdict.MET);
        }
    }

    @Test
    void singletonWaitsForTheSameUsersEarlierJobsOfTheSameName() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(1, "alice", "sim", ""), job(2, "alice", "other", ""), job(3, "bob", "sim", "singleton"),
                    job(4, "alice", "sim", "singleton"), job(5, "alice", "sim", "singleton")));
            assertThat(Dependencies.of(table, table.get("3").orElseThrow()).verdict()).as("another user's job")
                    .isEqualTo(Dependencies.Verdict.MET);
            assertThat(Dependencies.of(table, table.get("4").orElseThrow())).isEqualTo(new Dependencies.Status(
                    Dependencies.Verdict.WAITING, "waiting for job 1 of the same name (singleton)"));
            assertThat(Dependencies.of(table, table.get("5").orElseThrow()).why()).contains("job 1");
            table.start("1", List.of("node1"), "job-1-1");
            table.change("1", current -> current.completed(0, "", Instant.now()), current -> SuiteEvent.JOB_FINISHED);
            assertThat(Dependencies.of(table, table.get("4").orElseThrow()).verdict()).isEqualTo(Dependencies.Verdict.MET);
            assertThat(Dependencies.of(table, table.get("5").orElseThrow()).why()).as("one at a time, in order")
                    .isEqualTo("waiting for job 4 of the same name (singleton)");
            table.add(List.of(job(6, "alice", "late", "")));
            table.add(List.of(job(7, "alice", "late", "singleton")));
            table.change("6", current -> current.withHold(Job.Hold.USER), current -> null);
            assertThat(Dependencies.of(table, table.get("7").orElseThrow()).why()).as("a held earlier job keeps it waiting")
                    .isEqualTo("waiting for job 6 of the same name (singleton)");
        }
    }

    @Test
    void aSingletonsElementsRunOneAtATimeAndARunningLaterJobOfTheNameBlocks() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(element(1, 1), element(1, 2)));
            assertThat(Dependencies.of(table, table.get("1[1]").orElseThrow()).verdict()).isEqualTo(Dependencies.Verdict.MET);
            assertThat(Dependencies.of(table, table.get("1[2]").orElseThrow()).why())
                    .isEqualTo("waiting for job 1[1] of the same name (singleton)");
            table.add(List.of(job(2, "alice", "arr", "singleton")));
            table.add(List.of(job(3, "alice", "arr", "")));
            table.start("3", List.of("node1"), "job-3-1");
            assertThat(Dependencies.of(table, table.get("1[1]").orElseThrow()).why()).as("a running job of the name")
                    .isEqualTo("waiting for job 3 of the same name (singleton)");
        }
    }

    @Test
    void aCycleThroughASingletonIsFoundWhetherMadeByADependencyOrARename() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = new JobTable(store, store.loadAll());
            table.add(List.of(job(10, "alice", "x", ""), job(11, "alice", "y", ""), job(12, "alice", "x", "singleton"),
                    job(13, "alice", "x", "")));
            assertThat(Dependencies.cycleThrough(table, "afterok:12", 10, "alice", "x")).as("12 waits for 10 by name")
                    .isEqualTo(12);
            assertThat(Dependencies.cycleThrough(table, "afterok:12", 11, "alice", "y")).isEqualTo(-1);
            assertThat(Dependencies.cycleThrough(table, "afterok:12", 11, "alice", "x")).as("11 renamed x")
                    .isEqualTo(12);
            assertThat(Dependencies.cycleThrough(table, "afterok:12", 13, "alice", "x"))
                    .as("a later job of the name: 12 does not wait for it").isEqualTo(-1);
            assertThat(Dependencies.cycleThrough(table, "singleton", 12, "alice", "x")).isEqualTo(-1);
        }
    }

    private static Job element(long sequence, int index) {
        Job.JobSpec spec = new Job.JobSpec("alice", "arr", "batch", 1, 1, 60, 0, "", "/tmp", "login1", "job.sh",
                "#!/bin/sh\ntrue\n", "/tmp/o", "/tmp/e", "", "singleton", "", "", Map.of(), JobLimits.NONE, null, null, null, null, null, true, null);
        return new Job(sequence + "[" + index + "]", sequence, index, spec, Job.State.QUEUED, Job.Hold.NONE,
                Instant.now(), null, null, List.of(), null, null, "", 0, JobUsage.NONE);
    }
}
