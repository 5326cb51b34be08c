package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A running job's walltime changed (qalter -l walltime=, scontrol update TimeLimit=): only the walltime, within its
 * queue's and QOS's longest, raised only by an administrator; the queue manager's timer follows it.
 */
class RunningWalltimeOperationsTest extends QueueManagerOperationsTestBase {
    private static final String PBS = "<job-modify><job id=\"1\"/><option>-l</option><option>walltime=%s</option></job-modify>";
    private static final String SLURM = "<job-modify dialect=\"slurm\"><job id=\"1\"/><option>--time=%s</option></job-modify>";

    /** The owner of the jobs as a user (the account the tests run as, so that the job can be spooled as it). */
    private static final org.sss.lib.server.RequestContext USER = context(new org.sss.lib.wire.Principal(OWN,
            org.sss.lib.wire.Role.USER, OWN));

    private void runningAlicesJob(String directives) {
        submit(OWN, directives, SCHEDULER);
        assertThat(send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER)).contains("state=\"running\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> !created.isEmpty());
    }

    @Test
    void aUserLowersItAnAdministratorRaisesItAndNothingElseChanges() {
        runningAlicesJob("#PBS -l walltime=1200&#10;");
        assertThat(send(PBS.formatted("600"), USER)).contains("state=\"running\"").contains("walltime=\"600\"");
        assertThat(send(PBS.formatted("900"), USER)).contains("code=\"permission-denied\"")
                .contains("-l walltime=00:15:00: only an administrator may raise a running job's walltime (it is 00:10:00)");
        assertThat(send(SLURM.formatted("0"), USER)).as("none: the queue's longest, a raise")
                .contains("code=\"permission-denied\"");
        assertThat(send(SLURM.formatted("30"), ADMIN)).contains("walltime=\"1800\"");
        assertThat(send(PBS.formatted("7200"), ADMIN)).as("the queue's longest binds administrators too")
                .contains("code=\"bad-value\"").contains("queue batch allows at most 01:00:00");
        assertThat(send("<job-modify><job id=\"1\"/><option>-N</option><option>x</option></job-modify>", ADMIN))
                .contains("code=\"invalid-state\"").contains("only its walltime (-l walltime) can be changed now");
        assertThat(send("<job-modify><job id=\"1\"/><option>-l</option><option>walltime=600</option><option>-N</option>"
                + "<option>x</option></job-modify>", ADMIN)).contains("code=\"invalid-state\"");
        assertThat(published()).contains("job-modified 1 running");
    }

    @Test
    void aLimitAlreadyPastEndsTheJobAtOnce() {
        runningAlicesJob("#PBS -l walltime=1200&#10;");
        assertThat(send(PBS.formatted("1"), USER)).contains("walltime=\"1\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(components.requestsTo("process-manager"))
                .contains("<kill-process-group><process-group pgid=\"job-1-1\"/></kill-process-group>"));
        assertThat(send("<job-query><job id=\"1\"/></job-query>", USER)).contains("walltime 00:00:01 exceeded");
    }

    @Test
    void aRaiseJustBeforeTheLimitIsNotUndoneByTheOldTimer() {
        runningAlicesJob("#PBS -l walltime=2&#10;");
        assertThat(send(PBS.formatted("1200"), ADMIN)).contains("walltime=\"1200\"");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                !components.requestsTo("process-manager").contains(
                        "<kill-process-group><process-group pgid=\"job-1-1\"/></kill-process-group>"));
    }

    @Test
    void aSignalBeforeTheWalltimeIsSentOncePerRunWhateverChangesAfter() {
        sendTimeless("<job-submit dialect=\"slurm\" user=\"" + OWN + "\" workdir=\"/home/w\"><script name=\"job.sh\">"
                + "#!/bin/sh&#10;#SBATCH --signal=USR1@60&#10;#SBATCH -t 1:02&#10;true&#10;</script></job-submit>",
                SCHEDULER);
        assertThat(send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER)).contains("state=\"running\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> signalled.size() == 1);
        assertThat(send(PBS.formatted("61"), ADMIN)).as("its signal time long past").contains("walltime=\"61\"");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> signalled.size() == 1);
    }
}
