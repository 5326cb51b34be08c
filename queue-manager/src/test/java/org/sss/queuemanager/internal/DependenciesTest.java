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
                JobLimits.NONE, null, null);
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
        }
    }
}
