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
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.schema.JobRestrictionType;

/** Which jobs restrictions select: by id, by state over the unfinished jobs or the history, and only one's own. */
class JobSelectionTest {
    private static final Principal ADMIN = new Principal("admin", Role.ADMIN, null);
    private static final Principal BOB = new Principal("bob", Role.USER, "bob");
    @TempDir
    Path dir;

    private static Job job(long sequence, String user) {
        Job.JobSpec spec = new Job.JobSpec(user, "job" + sequence, "batch", 1, 1, 60, 0, "", "/tmp", "login1", "job.sh",
                "#!/bin/sh\ntrue\n", "/tmp/job.o" + sequence, "/tmp/job.e" + sequence, "", "", "", "", Map.of(), JobLimits.NONE, null, null, null, null, null, true, null);
        return new Job(String.valueOf(sequence), sequence, null, spec, Job.State.QUEUED, Job.Hold.NONE, Instant.now(), null, null,
                List.of(), null, null, "", 0, JobUsage.NONE);
    }

    private static JobRestrictionType restriction(String id, String state) {
        JobRestrictionType restriction = new JobRestrictionType();
        restriction.setId(id);
        restriction.setState(state);
        return restriction;
    }

    private static List<String> ids(List<Job> jobs) {
        return jobs.stream().map(Job::id).toList();
    }

    /** Jobs 1-6 of alice (5 of bob): 1 and 2 completed, 3 running, 4-6 queued. */
    private JobTable table(JobStore store) throws SssException, java.sql.SQLException {
        JobTable table = new JobTable(store, List.of());
        for (long i = 1; i <= 6; i++) {
            table.add(List.of(job(i, i == 5 ? "bob" : "alice")));
        }
        for (String id : List.of("1", "2")) {
            table.change(id, current -> current.completed(0, "", Instant.now()), current -> org.sss.schema.SuiteEvent.JOB_FINISHED);
        }
        table.start("3", List.of("node1"), "job-3-1");
        return table;
    }

    @Test
    void statesSelectFromTheUnfinishedJobsOrTheHistoryInSubmissionOrder() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = table(store);
            assertThat(ids(JobSelection.select(table, List.of(restriction("*", "queued")), ADMIN, false)))
                    .containsExactly("4", "5", "6");
            assertThat(ids(JobSelection.select(table, List.of(restriction("*", "queued"), restriction("*", "running")),
                    ADMIN, false))).as("each once, restriction by restriction").containsExactly("4", "5", "6", "3");
            assertThat(ids(JobSelection.select(table, List.of(restriction("*", "completed")), ADMIN, false)))
                    .containsExactly("1", "2");
            assertThat(ids(JobSelection.select(table, List.of(restriction("*", "*")), ADMIN, false)))
                    .containsExactly("1", "2", "3", "4", "5", "6");
            assertThat(ids(JobSelection.select(table, List.of(restriction("*", "queued")), BOB, false)))
                    .as("a user sees only his own").containsExactly("5");
        }
    }

    @Test
    void anIdIsLookedUpWithItsStateStillRestrictingAndAMissingOneIsNotFound() throws Exception {
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            JobTable table = table(store);
            assertThat(ids(JobSelection.select(table, List.of(restriction("2.login1", null)), ADMIN, false)))
                    .containsExactly("2");
            assertThat(ids(JobSelection.select(table, List.of(restriction("4", "queued"), restriction("2", "completed")),
                    ADMIN, false))).containsExactly("4", "2");
            assertThatThrownBy(() -> JobSelection.select(table, List.of(restriction("2", "queued")), ADMIN, false))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> JobSelection.select(table, List.of(restriction("99", null)), ADMIN, false))
                    .isInstanceOfSatisfying(SssException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            assertThatThrownBy(() -> JobSelection.select(table, List.of(restriction("4", null)), BOB, true))
                    .isInstanceOfSatisfying(SssException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        }
    }
}
