package org.sss.sssjob.internal.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sss.sssjob.internal.Job;

class SlurmJobsTest {
    private static Job job(String state, String exit, String reason) {
        Map<String, String> attributes = new HashMap<>(Map.of("id", "5", "state", state));
        if (!exit.isEmpty()) {
            attributes.put("exit-status", exit);
        }
        if (!reason.isEmpty()) {
            attributes.put("reason", reason);
        }
        return new Job(attributes);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "queued    |    |                           | PD | PENDING",
            "held      |    |                           | PD | PENDING",
            "running   |    |                           | R  | RUNNING",
            "exiting   |    |                           | CG | COMPLETING",
            "completed | 0  |                           | CD | COMPLETED",
            "completed | 3  |                           | F  | FAILED",
            "completed | 143| cancelled by alice        | CA | CANCELLED",
            "completed |    | cancelled by alice        | CA | CANCELLED",
            "completed | 271| walltime 00:00:02 exceeded | TO | TIMEOUT",
    })
    void mapsStatesOntoSlurms(String state, String exit, String reason, String code, String name) {
        Job job = job(state, exit == null ? "" : exit, reason == null ? "" : reason);
        assertThat(SlurmJobs.code(job)).isEqualTo(code);
        assertThat(SlurmJobs.state(job)).isEqualTo(name);
    }

    @Test
    void matchesIdsAsSqueueAndScancelTakeThem() {
        Job element = new Job(Map.of("id", "17[3]", "array-index", "3"));
        Job plain = new Job(Map.of("id", "17"));
        assertThat(SlurmJobs.matchesId(element, "17")).isTrue();
        assertThat(SlurmJobs.matchesId(element, "17_3")).isTrue();
        assertThat(SlurmJobs.matchesId(element, "17_[1-2,3]")).isTrue();
        assertThat(SlurmJobs.matchesId(element, "17_[4-9]")).isFalse();
        assertThat(SlurmJobs.matchesId(element, "1")).isFalse();
        assertThat(SlurmJobs.matchesId(plain, "17")).isTrue();
        assertThat(SlurmJobs.matchesId(plain, "17_1")).isFalse();
    }

    @Test
    void readsStateListsAndRefusesUnknownStates() throws Exception {
        assertThat(SlurmStates.parse("pd,R,completed")).containsExactly("PENDING", "RUNNING", "COMPLETED");
        assertThat(SlurmStates.parse("all")).hasSize(7);
        assertThat(SlurmStates.parse("S")).isEmpty();
        assertThatThrownBy(() -> SlurmStates.parse("BOGUS")).hasMessageContaining("invalid job state BOGUS");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "up      | 2 | 0 | idle",
            "up      | 2 | 1 | mix",
            "up      | 2 | 2 | alloc",
            "down    | 2 | 0 | down",
            "offline | 2 | 0 | down",
            "drained | 2 | 0 | drain",
            "drained | 2 | 2 | drng",
            "unknown | 2 | 0 | unk",
    })
    void mapsNodeStatesOntoSinfos(String state, String slots, String used, String shown) {
        assertThat(SinfoCommand.state(Map.of("state", state, "slots", slots, "used-slots", used))).isEqualTo(shown);
    }

    @Test
    void idsNameOneJobOrElementAndSelectorsRangesOfElements() throws Exception {
        assertThat(SlurmJobs.checkedId("17")).isEqualTo("17");
        assertThat(SlurmJobs.checkedId("17_3")).isEqualTo("17_3");
        assertThatThrownBy(() -> SlurmJobs.checkedId("17_[1-3]")).hasMessage("Invalid job id 17_[1-3] (17 or 17_3)");
        assertThatThrownBy(() -> SlurmJobs.checkedId("1".repeat(19))).hasMessageStartingWith("Invalid job id");
        assertThat(SlurmJobs.checkedSelector("17_[1-3,5]")).isEqualTo("17_[1-3,5]");
        assertThatThrownBy(() -> SlurmJobs.checkedSelector("17.host")).hasMessage("Invalid job id 17.host (17, 17_3 or "
                + "17_[1-3])");
    }

    @Test
    void aJobWhoseRequiredNodeCannotBeUsedWaitsAsReqNodeNotAvail() {
        assertThat(SlurmJobs.reason(job("queued", "", "required node n2 is not available (unknown, down, ...)")))
                .isEqualTo("ReqNodeNotAvail");
        assertThat(SlurmJobs.reason(job("queued", "", "resources: needs 1 node(s), 0 free; required node(s) busy: n2")))
                .isEqualTo("Resources");
    }

    @Test
    void aJobWaitingForItsReservationWaitsAsReservation() {
        Job inRes = new Job(java.util.Map.of("id", "3", "state", "queued", "reservation", "res1",
                "reason", "reservation res1 starts at 2030-01-01T08:00:00Z"));
        assertThat(SlurmJobs.reason(inRes)).isEqualTo("Reservation");
        Job other = new Job(java.util.Map.of("id", "4", "state", "queued",
                "reason", "reservation res1 starts at 2030-01-01T08:00:00Z"));
        assertThat(SlurmJobs.reason(other)).as("not its reservation").isEqualTo("Resources");
    }

    @Test
    void aJobHeldBackByItsQosWaitsAsQosMaxJobsPerUserLimit() {
        Job held = new Job(java.util.Map.of("id", "3", "state", "queued", "qos", "debug",
                "reason", "QOS debug: at most 1 job of alice at once (max-jobs-per-user)"));
        assertThat(SlurmJobs.reason(held)).isEqualTo("QOSMaxJobsPerUserLimit");
        Job other = new Job(java.util.Map.of("id", "4", "state", "queued", "qos", "normal",
                "reason", "QOS debug: at most 1 job of alice at once (max-jobs-per-user)"));
        assertThat(SlurmJobs.reason(other)).as("not its QOS").isEqualTo("Resources");
    }
}
