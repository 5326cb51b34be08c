package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A waiting job changed with sbatch's options ({@code <job-modify dialect="slurm">}, what scontrol update sends): the
 * options a waiting job may change are applied and checked as a submission's, refusals name sbatch's options, and the
 * rest are refused as fixed at submission.
 */
class SlurmUpdateOperationsTest extends QueueManagerOperationsTestBase {
    private static String update(String id, String... options) {
        StringBuilder xml = new StringBuilder("<job-modify dialect=\"slurm\"><job id=\"" + id + "\"/>");
        for (String option : options) {
            xml.append("<option>").append(option).append("</option>");
        }
        return xml.append("</job-modify>").toString();
    }

    @Test
    void theOptionsAWaitingJobMayChangeAreAppliedAndCheckedAsASubmissions() {
        submit(null, "#PBS -l walltime=3000&#10;", ALICE);
        assertThat(send(update("1", "--time=20", "--job-name=renamed", "--nice=10", "--account=proj", "--qos=debug",
                "--exclude=node2", "--no-requeue"), ALICE))
                .contains("name=\"renamed\"").contains("walltime=\"1200\"").contains("priority=\"-10\"")
                .contains("account=\"proj\"").contains("qos=\"debug\"").contains("excluded-nodes=\"node2\"")
                .contains("rerunnable=\"false\"");
        assertThat(send(update("1", "--time=45"), ADMIN)).as("over the QOS's longest, named as sbatch's")
                .contains("code=\"bad-value\"").contains("--time=00:45:00: QOS debug allows at most 00:30:00");
        assertThat(send(update("1", "--partition=nope"), ALICE))
                .contains("--partition=nope: unknown partition (partitions: batch, fast)");
        assertThat(send(update("1", "--dependency=afterok:9"), ALICE)).contains("--dependency=afterok:9: no job 9");
        assertThat(send(update("1", "--begin=2030-01-01T08:00:00"), ALICE)).contains("begin=\"2030-01-01T");
        submit(null, "#PBS -W depend=afterany:1&#10;#PBS -A proj&#10;", ALICE);
        assertThat(send(update("2", "--dependency=", "--exclude=", "--qos=", "--account="), ALICE))
                .as("an empty value clears, or gives the default QOS").doesNotContain("depend=")
                .contains("qos=\"normal\"").doesNotContain("account=");
        assertThat(send(update("1", "--exclude=", "--reservation="), ALICE)).doesNotContain("excluded-nodes=");
        assertThat(send(update("1", "--time="), ALICE)).as("a time is not cleared").contains("code=\"bad-value\"");
    }

    @Test
    void asInSlurmOnlyAnAdministratorRaisesATimeLimitOrGivesANegativeNice() {
        submit(null, "#PBS -l walltime=1200&#10;", ALICE);
        assertThat(send(update("1", "--time=30"), ALICE)).contains("code=\"permission-denied\"")
                .contains("--time=00:30:00: only an administrator may raise a job's time limit (it is 00:20:00)");
        assertThat(send(update("1", "--time=0"), ALICE)).as("none: the queue's longest, a raise too")
                .contains("code=\"permission-denied\"");
        assertThat(send(update("1", "--time=10"), ALICE)).contains("walltime=\"600\"");
        assertThat(send(update("1", "--time=30"), ADMIN)).contains("walltime=\"1800\"");
        assertThat(send(update("1", "--nice=-5"), ALICE)).contains("code=\"permission-denied\"")
                .contains("--nice=-5: only an administrator may give a negative nice");
        assertThat(send(update("1", "--nice=5"), ALICE)).contains("priority=\"-5\"");
        assertThat(send(update("1", "--nice=-5"), ADMIN)).contains("priority=\"5\"");
        String sbatch = "<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">#!/bin/sh&#10;"
                + "#SBATCH --nice=-5&#10;true&#10;</script></job-submit>";
        assertThat(sendTimeless(sbatch, ALICE)).as("at submission too").contains("code=\"permission-denied\"")
                .contains("--nice=-5: only an administrator may give a negative nice");
        assertThat(sendTimeless(sbatch.replace("<job-submit", "<job-submit user=\"alice\""), ADMIN))
                .contains("priority=\"5\"");
    }

    @Test
    void whatIsFixedAtSubmissionIsRefusedByName() {
        submit(null, "", ALICE);
        for (String fixed : new String[] {"--nodes=2", "--output=x.out", "--hold", "--array=1-2", "--export=NONE",
                "--mem=1G", "--wrap=true", "--chdir=/tmp"}) {
            String name = fixed.contains("=") ? fixed.substring(0, fixed.indexOf('=')) : fixed;
            assertThat(send(update("1", fixed), ALICE)).as(fixed).contains("code=\"bad-value\"")
                    .contains(name).contains("cannot be changed once the job is submitted");
        }
        assertThat(send(update("1", "--bogus=1"), ALICE)).contains("unrecognized option --bogus");
        assertThat(send(update("1", "--time=20"), BOB)).as("another user's job").contains("code=\"permission-denied\"");
    }
}
