package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.SssException;

/** The queue manager's accounting records: written when a job completes, read back by who may, kept past history. */
class AccountingOperationsTest extends QueueManagerOperationsTestBase {

    @Test
    void aCompletedJobsRecordCarriesWhatItsGroupUsed() {
        submit(OWN, "#PBS -N acct&#10;#PBS -l nodes=2:ppn=2,mem=100mb,cput=00:00:05&#10;", SCHEDULER);
        send("<job-start id=\"1\" nodes=\"node1 node2\"/>", SCHEDULER);
        await().atMost(Duration.ofSeconds(5)).until(() -> !created.isEmpty());
        assertThat(send("<accounting-query/>", ADMIN)).as("a running job has no record yet")
                .isEqualTo("<accounting/>");
        groupEnded(3, "job-1-1", 0, " cpu-time=\"12.345\" max-memory=\"104857600\"");

        String record = send("<accounting-query/>", ADMIN);
        assertThat(record).contains("id=\"1\"").contains("user=\"" + OWN + "\"").contains("name=\"acct\"")
                .contains("queue=\"batch\"").contains("allocated=\"node1 node2\"").contains("nodes=\"2\"")
                .contains("ppn=\"2\"").contains("exit-status=\"0\"").contains("runs=\"1\"")
                .contains("cpu-time=\"12.345\"").contains("max-memory=\"104857600\"").contains("walltime-used=\"")
                .as("the default QOS").contains("qos=\"normal\"");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).as("the job shows its limits and use")
                .contains("mem=\"104857600\"").contains("cput=\"5\"").contains("cpu-time=\"12.345\"")
                .contains("max-memory=\"104857600\"");
    }

    @Test
    void usersReadTheirOwnRecordsOnlyAndPrivilegedCallersReadAnyones() {
        submit(null, "", ALICE);
        submit(null, "", BOB);
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ALICE)).contains("state=\"completed\"");
        assertThat(send("<job-cancel><job id=\"2\"/></job-cancel>", BOB)).contains("state=\"completed\"");
        assertThat(send("<accounting-query user=\"alice\"/>", ADMIN)).as("a job that never ran has a record too")
                .contains("reason=\"cancelled by alice\"").contains("walltime-used=\"0.000\"")
                .doesNotContain("started=").doesNotContain("cpu-time=");

        assertThat(send("<accounting-query/>", ALICE)).contains("id=\"1\"").doesNotContain("id=\"2\"");
        assertThat(send("<accounting-query user=\"*\"/>", BOB)).contains("id=\"2\"").doesNotContain("id=\"1\"");
        assertThat(send("<accounting-query user=\"alice\"/>", BOB)).contains("code=\"permission-denied\"")
                .contains("alice");
        assertThat(send("<accounting-query/>", ADMIN)).contains("id=\"1\"").contains("id=\"2\"");
        assertThat(send("<accounting-query user=\"bob\"/>", ADMIN)).contains("id=\"2\"").doesNotContain("id=\"1\"");
        assertThat(send("<accounting-query limit=\"1\"/>", ADMIN)).as("the most recent ones")
                .contains("id=\"2\"").doesNotContain("id=\"1\"");
        assertThat(send("<accounting-query since=\"2999-01-01T00:00:00Z\"/>", ADMIN)).isEqualTo("<accounting/>");
        assertThat(send("<accounting-query limit=\"0\"/>", ADMIN)).as("the schema bounds the limit")
                .contains("<error");
    }

    @Test
    void oneJobsRecordsAreFoundByItsIdHoweverMoreRecentOnesCrowdTheLimit() {
        submit(null, "#PBS -t 1-3&#10;", ALICE);
        submit(null, "", ALICE);
        for (String id : List.of("1[1]", "1[2]", "1[3]", "2")) {
            assertThat(send("<job-cancel><job id=\"" + id + "\"/></job-cancel>", ALICE)).contains("state=\"completed\"");
        }
        assertThat(send("<accounting-query limit=\"1\"/>", ALICE)).contains("id=\"2\"").doesNotContain("id=\"1[");
        assertThat(send("<accounting-query job=\"1[]\" limit=\"5\"/>", ALICE)).as("every element of the array")
                .contains("id=\"1[1]\"").contains("id=\"1[2]\"").contains("id=\"1[3]\"").doesNotContain("id=\"2\"");
        assertThat(send("<accounting-query job=\"1[2].login1\" limit=\"1\"/>", ALICE)).contains("id=\"1[2]\"")
                .doesNotContain("id=\"1[1]\"");
        assertThat(send("<accounting-query job=\"2.login1\"/>", ALICE)).contains("id=\"2\"").doesNotContain("id=\"1[");
        assertThat(send("<accounting-query job=\"1\"/>", ALICE)).as("an array's own id names no record")
                .isEqualTo("<accounting/>");
    }

    @Test
    void recordsOutliveTheJobsHistoryAndARestart() throws SssException, IOException {
        runToCompletion(OWN, 1, 1);
        service.table().forget(List.of("1"));
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).doesNotContain("id=\"1\"");
        stop();
        startService();
        assertThat(send("<accounting-query/>", ADMIN)).contains("id=\"1\"").contains("cpu-time=\"1.500\"")
                .contains("exit-status=\"0\"");
    }

    private void runToCompletion(String user, int id, long seq) {
        submit(user, "", SCHEDULER);
        send("<job-start id=\"" + id + "\" nodes=\"node1\"/>", SCHEDULER);
        await().atMost(Duration.ofSeconds(5)).until(() -> created.size() >= id);
        groupEnded(seq, "job-" + id + "-1", 0, " cpu-time=\"1.5\" max-memory=\"4096\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> send("<accounting-query/>", ADMIN)
                .contains("id=\"" + id + "\""));
    }
}
