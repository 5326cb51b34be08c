package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Qualities of service through the queue manager's operations: the test base configures {@code normal} (the default,
 * no limits) and {@code debug} (priority 100, at most 30 minutes and 1 node, 1 job per user at once, alice only).
 */
class QosOperationsTest extends QueueManagerOperationsTestBase {
    private static final String MODIFY = "<job-modify><job id=\"%s\"/><option>-l</option><option>%s</option></job-modify>";

    @Test
    void aJobNamingNoneHasTheDefaultAndTheQueueQueryListsEvery() {
        assertThat(submit(null, "", ALICE)).contains("qos=\"normal\"");
        assertThat(send("<queue-query><queue name=\"fast\"/></queue-query>", BOB))
                .contains("<qos name=\"normal\" default=\"true\" priority=\"0\" max-walltime=\"0\" max-nodes=\"0\""
                        + " max-jobs-per-user=\"0\" users=\"*\"/>")
                .contains("<qos name=\"debug\" default=\"false\" priority=\"100\" max-walltime=\"1800\" max-nodes=\"1\""
                        + " max-jobs-per-user=\"1\" users=\"alice\"/>");
    }

    @Test
    void aNamedQosIsCheckedForItsUsersAndLimits() {
        assertThat(submit(null, "#PBS -l qos=debug&#10;", ALICE)).contains("qos=\"debug\"")
                .as("the queue's default walltime, within the QOS's").contains("walltime=\"600\"");
        assertThat(submit(null, "#PBS -l qos=debug&#10;#PBS -q fast&#10;", ALICE))
                .as("a queue without walltimes: the QOS's longest").contains("walltime=\"1800\"");
        assertThat(submit(null, "#PBS -l qos=debug&#10;", BOB)).contains("code=\"permission-denied\"")
                .contains("-l qos=debug: the QOS does not admit user bob");
        assertThat(submit(null, "#PBS -l qos=high&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("-l qos=high: unknown QOS (QOS: normal, debug)");
        assertThat(submit(null, "#PBS -l qos=debug&#10;#PBS -l walltime=1:00:00&#10;", ALICE))
                .contains("-l walltime=01:00:00: QOS debug allows at most 00:30:00");
        assertThat(submit(null, "#PBS -l qos=debug&#10;#PBS -l walltime=0&#10;", ALICE))
                .as("no walltime asked for: the queue's longest, cut to the QOS's").contains("walltime=\"1800\"");
        assertThat(submit(null, "#PBS -l qos=debug&#10;#PBS -l nodes=2&#10;", ALICE))
                .contains("-l nodes=2:ppn=1: QOS debug allows at most 1 node(s)");
        assertThat(submit(null, "#PBS -l qos=.debug&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("a QOS name must be 1 to 64 letters");
    }

    @Test
    void sbatchAsksWithQosAndItsRefusalsNameSbatchsOptions() {
        String slurm = "<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">#!/bin/sh&#10;%s"
                + "true&#10;</script></job-submit>";
        assertThat(sendTimeless(slurm.formatted("#SBATCH --qos=debug&#10;"), ALICE)).contains("qos=\"debug\"");
        assertThat(sendTimeless(slurm.formatted("#SBATCH -q debug&#10;"), ALICE)).contains("qos=\"debug\"");
        assertThat(sendTimeless(slurm.formatted("#SBATCH --qos=debug&#10;#SBATCH -t 45&#10;"), ALICE))
                .contains("--time=00:45:00: QOS debug allows at most 00:30:00");
        assertThat(sendTimeless(slurm.formatted("#SBATCH --qos=nope&#10;"), ALICE))
                .contains("--qos=nope: unknown QOS (QOS: normal, debug)");
    }

    @Test
    void qalterChangesTheQosWithinItsLimitsAndAnEmptyNameGivesTheDefault() {
        submit(null, "#PBS -l walltime=3000&#10;", ALICE);
        assertThat(send(MODIFY.formatted("1", "qos=debug"), ALICE)).as("the job's walltime is over the QOS's")
                .contains("code=\"bad-value\"").contains("-l qos=debug: the job's walltime of 00:50:00 is longer than the QOS"
                        + " allows (00:30:00); give a shorter -l walltime with it");
        assertThat(send(MODIFY.formatted("1", "walltime=900"), ALICE)).contains("qos=\"normal\"");
        assertThat(send(MODIFY.formatted("1", "qos=debug"), ALICE)).contains("qos=\"debug\"");
        assertThat(send(MODIFY.formatted("1", "nodes=2"), ALICE)).as("its limits hold through other changes")
                .contains("QOS debug allows at most 1 node(s)");
        assertThat(send(MODIFY.formatted("1", "qos="), ALICE)).contains("qos=\"normal\"");
        submit(null, "", BOB);
        assertThat(send(MODIFY.formatted("2", "qos=debug"), BOB)).contains("code=\"permission-denied\"");
        submit(null, "", ALICE);
        assertThat(send(MODIFY.formatted("3", "qos=debug"), ALICE)).as("the queue's default walltime, within it")
                .contains("qos=\"debug\"").contains("walltime=\"600\"");
        submit(null, "#PBS -q fast&#10;", ALICE);
        assertThat(send(MODIFY.formatted("4", "qos=debug"), ALICE)).as("no walltime: the QOS's longest")
                .contains("qos=\"debug\"").contains("walltime=\"1800\"");
        assertThat(send(MODIFY.formatted("4", "walltime=0"), ALICE)).as("none asked for: the QOS's longest")
                .contains("walltime=\"1800\"");
    }
}
