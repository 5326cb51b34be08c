package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sss.sssjob.internal.CliException;
import org.sss.sssjob.internal.Job;

/** squeue's -O fields, its new filters and a pending job's expected start. */
class SqueueFieldsTest {
    private static final Job RUNNING = new Job(Map.of("id", "17", "name", "sim", "user", "alice", "queue", "batch",
            "state", "running", "qos", "debug", "account", "proj", "allocated", "node2 node3",
            "started", "2026-12-06T10:00:00Z"));
    private static final Job PENDING = new Job(Map.of("id", "18", "name", "post", "user", "alice", "queue", "batch",
            "state", "queued", "qos", "normal", "expected-start", "2030-01-01T08:00:00Z"));

    @Test
    void longNamesBecomeTheFormatLetterPaddedToTwentyOrTheirWidth() throws CliException {
        assertThat(SqueueFields.asFormat("JobID,name:6,State:.9,QOS,Reason:")).isEqualTo("%20i%6j%.9T%20q%r");
        SqueueFormat format = SqueueFormat.parse(SqueueFields.asFormat("jobid:5,Name:6,statecompact:3"));
        assertThat(format.line(RUNNING, Instant.now())).isEqualTo("17   sim   R");
        assertThatThrownBy(() -> SqueueFields.asFormat("JobID,Bogus")).isInstanceOf(CliException.class)
                .hasMessageContaining("--Format: field Bogus is not supported");
        assertThatThrownBy(() -> SqueueFields.asFormat("JobID:x")).hasMessageContaining("[.]WIDTH");
    }

    @Test
    void filtersByNameQosAccountAndNode() {
        SqueueCommand.JobFilter byNode = new SqueueCommand.JobFilter(List.of(), List.of(),
                Set.of("PENDING", "RUNNING"), List.of(), List.of(), List.of(), List.of(), Set.of("node3"));
        assertThat(byNode.matches(RUNNING)).isTrue();
        assertThat(byNode.matches(PENDING)).as("holds no node").isFalse();
        SqueueCommand.JobFilter byQos = new SqueueCommand.JobFilter(List.of(), List.of(),
                Set.of("PENDING", "RUNNING"), List.of(), List.of("post"), List.of("normal"), List.of(), Set.of());
        assertThat(byQos.matches(PENDING)).isTrue();
        assertThat(byQos.matches(RUNNING)).isFalse();
        SqueueCommand.JobFilter byAccount = new SqueueCommand.JobFilter(List.of(), List.of(),
                Set.of("PENDING", "RUNNING"), List.of(), List.of(), List.of(), List.of("proj"), Set.of());
        assertThat(byAccount.matches(RUNNING)).isTrue();
        assertThat(byAccount.matches(PENDING)).isFalse();
    }

    @Test
    void aPendingJobsStartTimeIsItsExpectedOne() throws CliException {
        SqueueFormat format = SqueueFormat.parse("%S");
        assertThat(format.line(PENDING, Instant.now())).startsWith("20").doesNotContain("N/A");
        assertThat(format.line(new Job(Map.of("id", "19", "state", "queued")), Instant.now())).isEqualTo("N/A");
    }
}
