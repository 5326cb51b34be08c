package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;

/**
 * A job's launch racing its cancel, through the queue manager's operations without sockets: a cancel that comes
 * while the job's group is being created is carried out once the group exists, whatever the process manager answers
 * on the way, and a cancelled job never goes back to the queue.
 */
class JobLaunchTest extends QueueManagerOperationsTestBase {
    private static final String KILL = "<kill-process-group><process-group pgid=\"job-1-1\"/></kill-process-group>";

    /** Alice's job 1, started on node1 by the scheduler, the admin's cancel arriving while its group is created. */
    private void startCancellingDuringTheCreate() {
        submit(OWN, "", SCHEDULER);
        whileCreating = () -> {
            whileCreating = () -> { };
            assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).contains("state=\"exiting\"");
        };
        assertThat(send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER)).contains("state=\"running\"");
    }

    /** Alice's job 1, started on node1 by the scheduler, its group created. */
    private void startJobOne() {
        submit(OWN, "", SCHEDULER);
        send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER);
        await("job 1's group created").atMost(Duration.ofSeconds(5)).until(() -> !created.isEmpty());
    }

    private long kills() {
        return components.requestsTo("process-manager").stream().filter(KILL::equals).count();
    }

    @Test
    void aGroupWhoseKillFailsAtFirstIsKilledAgainAndTheJobIsNotQueuedAgain() {
        refuseKill.set(new SssException(ErrorCode.UNAVAILABLE, "the mpd ring cannot be reached"));
        startCancellingDuringTheCreate();
        await().atMost(Duration.ofSeconds(10)).until(() -> kills() >= 2);
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).as("still exiting: its group runs")
                .contains("state=\"exiting\"").contains("reason=\"cancelled by admin\"");
        assertThat(published()).doesNotContain("job-requeued 1 queued");
        groupEnded(1, "job-1-1", 143);
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("reason=\"cancelled by admin\"");
    }

    @Test
    void aCancelledJobWhoseCreateIsRefusedAsUnavailableEndsCancelled() {
        refuseCreate.set(new SssException(ErrorCode.UNAVAILABLE, "node1's mpd is not in the ring"));
        startCancellingDuringTheCreate();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(published()).containsExactly("job-submitted 1 queued", "job-finished 1 completed"));
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("reason=\"cancelled by admin\"");
        assertThat(created).as("never created").isEmpty();
    }

    @Test
    void aRunningJobWhoseCreateIsRefusedAsUnavailableGoesBackToTheQueue() {
        submit(OWN, "", SCHEDULER);
        refuseCreate.set(new SssException(ErrorCode.UNAVAILABLE, "node1's mpd is not in the ring"));
        send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(published()).containsExactly("job-submitted 1 queued", "job-requeued 1 queued"));
    }

    @Test
    void aKillThatFailsIsSentAgainWithoutBeingAskedAgainAndASecondCancelSendsItToo() {
        startJobOne();
        refuseKill.set(new SssException(ErrorCode.UNAVAILABLE, "the mpd ring cannot be reached"));
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).as("the cancel is recorded; its kill is owed")
                .contains("state=\"exiting\"");
        await("the kill sent again by itself").atMost(Duration.ofSeconds(10)).until(() -> kills() == 2);
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).contains("state=\"exiting\"");
        assertThat(kills()).isEqualTo(3);
    }

    @Test
    void aKillThatCameWhileARefusedStartMarkedTheJobIsCarriedOutAfterIt() throws Exception {
        startJobOne();
        java.lang.reflect.Field field = JobService.class.getDeclaredField("runner");
        field.setAccessible(true);
        JobRunner runner = (JobRunner) field.get(service);
        assertThat(runner.willLaunch(java.util.List.of("1"))).as("a second start of the running job, marked")
                .containsExactly("1");
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).contains("state=\"exiting\"");
        assertThat(kills()).as("the kill waits for the launch the mark promises").isZero();
        runner.notLaunched("1");
        await("the kill, once the start is refused").atMost(Duration.ofSeconds(5)).until(() -> kills() == 1);
    }

    @Test
    void aCancelOfAJobExitingToBeRequeuedEndsItInstead() {
        startJobOne();
        assertThat(send("<job-requeue><job id=\"1\"/></job-requeue>", ADMIN)).contains("state=\"exiting\"")
                .contains("reason=\"requeued by admin\"");
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).contains("state=\"exiting\"")
                .contains("reason=\"cancelled by admin\"");
        groupEnded(1, "job-1-1", 143);
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("reason=\"cancelled by admin\"");
        assertThat(published()).doesNotContain("job-requeued 1 queued");
    }

    @Test
    void aJobSubmittedNotRerunnableIsNotRequeuedOnceItRuns() {
        assertThat(submit(OWN, "#PBS -r n&#10;", SCHEDULER)).contains("rerunnable=\"false\"");
        assertThat(submit(OWN, "#PBS -r y&#10;", SCHEDULER)).doesNotContain("rerunnable");
        assertThat(send("<job-requeue><job id=\"1\"/></job-requeue>", ADMIN)).as("waiting: nothing to do")
                .contains("state=\"queued\"");
        send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER);
        assertThat(send("<job-requeue><job id=\"1\"/></job-requeue>", ADMIN)).isEqualTo("<error type=\"Semantic\""
                + " code=\"invalid-state\" msg=\"job 1 is not rerunnable (qsub -r n, sbatch"
                + " --no-requeue)\"/>");
        assertThat(kills()).isZero();
        send("<job-start id=\"2\" nodes=\"node2\"/>", SCHEDULER);
        assertThat(send("<job-requeue><job id=\"2\"/></job-requeue>", ADMIN)).contains("state=\"exiting\"");
        assertThat(sendTimeless("<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">"
                + "#!/bin/sh&#10;#SBATCH --no-requeue&#10;true&#10;</script></job-submit>", ALICE))
                .contains("rerunnable=\"false\"");
        assertThat(sendTimeless("<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">"
                + "#!/bin/sh&#10;#SBATCH --no-requeue&#10;#SBATCH --requeue&#10;true&#10;</script></job-submit>", ALICE))
                .as("the later one wins").doesNotContain("rerunnable");
    }

    @Test
    void aCancelDecidedOnAJobReadAsQueuedKillsItIfItStartedMeanwhile() throws Exception {
        submit(OWN, "", SCHEDULER);
        Job readWhileQueued = service.table().get("1").orElseThrow();
        send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER);
        await("job 1's group created").atMost(Duration.ofSeconds(5)).until(() -> !created.isEmpty());
        Job after = service.cancel(readWhileQueued, new org.sss.lib.wire.Principal("admin", org.sss.lib.wire.Role.ADMIN, null));
        assertThat(after.state()).isEqualTo(Job.State.EXITING);
        assertThat(kills()).isEqualTo(1);
    }

    @Test
    void anEndedGroupsReleaseThatFailsIsSentAgain() {
        startJobOne();
        refuseDelete.set(new SssException(ErrorCode.UNAVAILABLE, "the process manager is restarting"));
        groupEnded(1, "job-1-1", 0);
        String release = "<del-process-group-info><process-group pgid=\"job-1-1\"/></del-process-group-info>";
        await().atMost(Duration.ofSeconds(15)).until(() ->
                components.requestsTo("process-manager").stream().filter(release::equals).count() == 2);
    }

    @Test
    void anEndedGroupsReleaseThatTheProcessManagerNeverAcknowledgedIsSentAgainAfterARestart() throws Exception {
        startJobOne();
        refuseDelete.set(new SssException(ErrorCode.UNAVAILABLE, "the process manager is restarting"));
        groupEnded(1, "job-1-1", 0);
        String release = "<del-process-group-info><process-group pgid=\"job-1-1\"/></del-process-group-info>";
        await("the refused release").atMost(Duration.ofSeconds(5)).until(() -> releases(release) == 1);
        stop();
        startService();
        await("the release named again after the restart").atMost(Duration.ofSeconds(5))
                .until(() -> releases(release) == 2);
        stop();
        try (JobStore store = JobStore.open(dir.resolve("qm.db"))) {
            assertThat(store.pendingReleases()).as("acknowledged: not named again").isEmpty();
        }
        startService();
    }

    private long releases(String release) {
        return components.requestsTo("process-manager").stream().filter(release::equals).count();
    }

    @Test
    void aUsersForgedEndOfAnotherUsersGroupIsRefusedAndTheJobRunsOn() {
        startJobOne();
        String forged = "<events subscriber=\"queue-manager\" next=\"3\"><event component=\"process-manager\""
                + " msg=\"process-group-end\" seq=\"3\"><process-group pgid=\"job-1-1\" state=\"ended\" exit-status=\"0\""
                + " launched=\"true\"/></event></events>";
        assertThat(send(forged, ALICE)).contains("code=\"permission-denied\"");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"running\"");
    }
}
