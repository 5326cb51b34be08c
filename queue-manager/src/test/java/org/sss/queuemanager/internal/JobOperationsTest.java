package org.sss.queuemanager.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sss.schema.CreatepgType;

/**
 * The queue manager's job operations, message in and message out, without sockets (see
 * {@link QueueManagerOperationsTestBase}).
 */
class JobOperationsTest extends QueueManagerOperationsTestBase {
    @Test
    void aSubmissionIsAnsweredWithTheCommittedJobAndAnnounced() {
        assertThat(submit(null, "#PBS -N run1&#10;#PBS -l nodes=1:ppn=2&#10;", ALICE)).isEqualTo("<jobs><job id=\"1\""
                + " name=\"run1\" user=\"alice\" queue=\"batch\" state=\"queued\" nodes=\"1\" ppn=\"2\" walltime=\"600\""
                + " priority=\"0\" workdir=\"/home/w\" submit-host=\"login1\" script-name=\"job.sh\""
                + " output-path=\"/home/w/run1.o1\" error-path=\"/home/w/run1.e1\" join=\"n\" qos=\"normal\" submitted=\"T\""
                + " runs=\"0\"/>"
                + "</jobs>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(published()).containsExactly("job-submitted 1 queued"));
        assertThat(sendTimeless("<job-query><job id=\"1\"/></job-query>", ALICE)).contains("<job id=\"1\" name=\"run1\"");
        assertThat(send("<job-query><job id=\"1.login1\"/></job-query>", ADMIN)).as("a .host suffix is ignored")
                .contains("<job id=\"1\" name=\"run1\"");
    }

    @Test
    void anArraySubmissionMakesOneJobPerIndex() {
        assertThat(submit(null, "#PBS -t 1-3&#10;", ALICE)).contains("id=\"1[1]\"").contains("id=\"1[2]\"")
                .contains("id=\"1[3]\"").contains("array-index=\"3\"").contains("array=\"1[]\"")
                .doesNotContain("array-limit");
        assertThat(send("<job-query><job id=\"1[]\"/></job-query>", ALICE).split("<job ")).hasSize(4);
    }

    @Test
    void aPbsProArrayWithALimitGivesEachElementItsOwnFileAndTheLimit() {
        String reply = submit(null, "#PBS -J 1-2%1&#10;#PBS -o out.^array_index^ -e /tmp/err&#10;", ALICE);
        assertThat(reply).contains("id=\"1[1]\"").contains("id=\"1[2]\"").contains("array-limit=\"1\"")
                .contains("output-path=\"/home/w/out.1\"").contains("output-path=\"/home/w/out.2\"")
                .contains("error-path=\"/tmp/err\"");
        assertThat(submit(null, "#PBS -o out.^array_index^&#10;", ALICE)).as("no array: the path as given")
                .contains("output-path=\"/home/w/out.^array_index^\"");
    }

    @Test
    void usersSeeTheirOwnJobsAndPrivilegedCallersSeeAll() {
        submit(null, "", ALICE);
        submit(null, "", BOB);
        submit(OWN, "", SCHEDULER);
        assertThat(send("<job-query><job id=\"*\"/></job-query>", BOB)).contains("id=\"2\"").doesNotContain("id=\"1\"")
                .doesNotContain("id=\"3\"");
        assertThat(send("<job-query><job id=\"*\"/></job-query>", ADMIN)).contains("id=\"1\"").contains("id=\"2\"")
                .contains("id=\"3\"");
        assertThat(send("<job-query><job user=\"alice\"/></job-query>", ADMIN)).contains("id=\"1\"")
                .doesNotContain("id=\"2\"");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", BOB)).as("naming another's job")
                .contains("type=\"Semantic\"").contains("code=\"permission-denied\"").contains("may not see job 1 of alice");
        assertThat(send("<job-query><job id=\"99\"/></job-query>", ADMIN)).contains("type=\"Data\"")
                .contains("code=\"not-found\"").contains("no job 99");
    }

    @Test
    void aUserMayNotActOnAnothersJobButAnAdministratorMay() {
        submit(null, "", ALICE);
        for (String action : List.of("job-cancel", "job-hold", "job-release", "job-requeue")) {
            assertThat(send("<" + action + "><job id=\"1\"/></" + action + ">", BOB)).as(action)
                    .isEqualTo("<error type=\"Semantic\" code=\"permission-denied\" msg=\"user bob may not act on job 1 of"
                            + " alice\"/>");
        }
        assertThat(send("<job-modify><job id=\"1\"/><option>-N</option><option>mine</option></job-modify>", BOB))
                .contains("code=\"permission-denied\"");
        assertThat(send("<job-signal signal=\"USR1\"><job id=\"1\"/></job-signal>", BOB)).contains("code=\"permission-denied\"");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ALICE)).as("nothing changed").contains("state=\"queued\"")
                .contains("name=\"job.sh\"");
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).contains("state=\"completed\"")
                .contains("reason=\"cancelled by admin\"");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(published()).containsExactly("job-submitted 1 queued", "job-finished 1 completed"));
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ALICE)).as("a completed job")
                .contains("code=\"invalid-state\"").contains("job 1 has completed");
    }

    @Test
    void aComponentActsOnBehalfOfAPersonWithTheirRightsAndInTheirName() {
        submit(null, "", ALICE);
        submit(null, "", BOB);
        assertThat(send("<job-cancel on-behalf-of=\"alice\"><job id=\"2\"/></job-cancel>", SCHEDULER))
                .as("alice may not cancel bob's job, even through a component").contains("code=\"permission-denied\"");
        assertThat(send("<job-cancel on-behalf-of=\"alice\"><job id=\"1\"/></job-cancel>", SCHEDULER))
                .contains("state=\"completed\"").contains("reason=\"cancelled by alice\"");
        assertThat(send("<job-cancel on-behalf-of=\"root\" on-behalf-of-role=\"admin\"><job id=\"2\"/></job-cancel>",
                SCHEDULER)).contains("reason=\"cancelled by root\"");
        submit(null, "", BOB);
        assertThat(send("<job-cancel on-behalf-of=\"bob\"><job id=\"3\"/></job-cancel>", ALICE))
                .as("only components speak for others").contains("code=\"permission-denied\"");
    }

    @Test
    void aUserCanHoldAlterAndReleaseTheirWaitingJob() {
        submit(null, "", ALICE);
        assertThat(send("<job-hold><job id=\"1\"/></job-hold>", ALICE)).contains("state=\"held\"");
        assertThat(send("<job-modify><job id=\"1\"/><option>-N</option><option>renamed</option><option>-q</option>"
                + "<option>fast</option></job-modify>", ALICE)).contains("name=\"renamed\"").contains("queue=\"fast\"")
                .contains("state=\"held\"");
        assertThat(send("<job-modify><job id=\"1\"/><option>-l</option><option>nodes=2</option></job-modify>", ALICE))
                .as("the queue's node limit").contains("code=\"bad-value\"").contains("queue fast allows at most 1 node(s)");
        assertThat(send("<job-release><job id=\"1\"/></job-release>", ALICE)).contains("state=\"queued\"");
        assertThat(send("<job-signal signal=\"USR1\"><job id=\"1\"/></job-signal>", ALICE))
                .isEqualTo("<error type=\"Semantic\" code=\"invalid-state\" msg=\"job 1 is queued, not running\"/>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published()).containsExactly(
                "job-submitted 1 queued", "job-held 1 held", "job-modified 1 held", "job-released 1 queued"));
    }

    @Test
    void anAlteredDependencyThatWouldMakeAJobWaitForItselfIsRefused() {
        submit(null, "", ALICE);
        submit(null, "#PBS -W depend=afterok:1&#10;", ALICE);
        assertThat(send("<job-modify><job id=\"1\"/><option>-W</option><option>depend=afterany:1</option></job-modify>", ALICE))
                .contains("code=\"bad-value\"").contains("job 1 would wait for itself");
        assertThat(send("<job-modify><job id=\"1\"/><option>-W</option><option>depend=afterok:2</option></job-modify>", ALICE))
                .as("job 2 waits for job 1").contains("code=\"bad-value\"").contains("(job 2 waits for it)");
        submit(null, "", ALICE);
        assertThat(send("<job-modify><job id=\"1\"/><option>-W</option><option>depend=afterok:3</option></job-modify>", ALICE))
                .as("a dependency that closes no loop").contains("depend=\"afterok:3\"");
    }

    @Test
    void aQueryReadsInPagesInJobNumberOrderAndAnActionTakesNoPage() {
        for (int i = 0; i < 5; i++) {
            submit(null, "", i == 2 ? BOB : ALICE);
        }
        String first = send("<job-query limit=\"2\"><job id=\"*\" state=\"queued\"/><job id=\"*\" user=\"bob\"/></job-query>", ADMIN);
        assertThat(first).contains("more=\"true\"").contains("id=\"1\"").contains("id=\"2\"").doesNotContain("id=\"3\"");
        String second = send("<job-query limit=\"2\" after=\"2\"><job id=\"*\" state=\"queued\"/></job-query>", ADMIN);
        assertThat(second).contains("more=\"true\"").contains("id=\"3\"").contains("id=\"4\"").doesNotContain("id=\"5\"");
        send("<job-cancel><job id=\"5\"/></job-cancel>", ADMIN);
        String last = send("<job-query limit=\"2\" after=\"4\"><job id=\"*\" state=\"queued\"/></job-query>", ADMIN);
        assertThat(last).doesNotContain("more=").doesNotContain("<job ");
        assertThat(send("<job-query limit=\"10\" after=\"1\"><job id=\"*\"/></job-query>", BOB))
                .as("a user's pages hold their own jobs").contains("id=\"3\"").doesNotContain("id=\"2\"").doesNotContain("more=");
        assertThat(send("<job-hold limit=\"1\"><job id=\"*\"/></job-hold>", ADMIN)).contains("code=\"bad-value\"");
    }

    @Test
    void anAdministratorsHoldIsReleasedOnlyByAnAdministrator() {
        submit(null, "", ALICE);
        assertThat(send("<job-hold><job id=\"1\"/></job-hold>", ADMIN)).contains("state=\"held\"").contains("hold=\"operator\"");
        assertThat(send("<job-release><job id=\"1\"/></job-release>", ALICE))
                .contains("code=\"permission-denied\"").contains("held by an administrator");
        assertThat(send("<job-hold><job id=\"1\"/></job-hold>", ALICE)).as("the owner's hold does not lower it")
                .contains("hold=\"operator\"");
        assertThat(send("<job-release><job id=\"1\"/></job-release>", ADMIN)).contains("state=\"queued\"")
                .doesNotContain("hold=");
        assertThat(send("<job-hold><job id=\"1\"/></job-hold>", ALICE)).contains("hold=\"user\"");
        assertThat(send("<job-release><job id=\"1\"/></job-release>", ALICE)).contains("state=\"queued\"");
    }

    @Test
    void queueQueryCountsEachQueuesJobs() {
        submit(null, "", ALICE);
        submit(null, "#PBS -q fast&#10;", ALICE);
        send("<job-hold><job id=\"2\"/></job-hold>", ALICE);
        assertThat(send("<queue-query><queue name=\"*\"/></queue-query>", BOB)).isEqualTo("<queues>"
                + "<queue name=\"batch\" default=\"true\" max-walltime=\"3600\" default-walltime=\"600\" max-nodes=\"0\""
                + " priority=\"0\" users=\"*\" queued=\"1\" held=\"0\" running=\"0\"/>"
                + "<queue name=\"fast\" default=\"false\" max-walltime=\"0\" default-walltime=\"0\" max-nodes=\"1\""
                + " priority=\"10\" users=\"alice\" queued=\"0\" held=\"1\" running=\"0\"/>"
                + "<qos name=\"normal\" default=\"true\" priority=\"0\" max-walltime=\"0\" max-nodes=\"0\""
                + " max-jobs-per-user=\"0\" users=\"*\"/><qos name=\"debug\" default=\"false\" priority=\"100\""
                + " max-walltime=\"1800\" max-nodes=\"1\" max-jobs-per-user=\"1\" users=\"alice\"/></queues>");
        assertThat(send("<queue-query><queue name=\"fast\"/></queue-query>", BOB)).doesNotContain("batch")
                .contains("name=\"fast\"");
        assertThat(submit(null, "#PBS -q fast&#10;", BOB)).as("the queue admits alice only")
                .contains("code=\"permission-denied\"").contains("the queue does not admit user bob");
    }

    @Test
    void aStartRunsTheJobThroughTheProcessManagerAndItsGroupsEndCompletesIt() {
        submit(OWN, "#PBS -N run&#10;#PBS -l nodes=2:ppn=4&#10;", SCHEDULER);
        assertThat(sendTimeless("<job-start id=\"1\" nodes=\"node2 node1\"/>", SCHEDULER)).contains("state=\"running\"")
                .contains("started=\"T\" allocated=\"node2 node1\" pgid=\"job-1-1\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> !created.isEmpty());
        CreatepgType group = created.getFirst();
        assertThat(group.getPgid()).isEqualTo("job-1-1");
        assertThat(group.getSubmitter()).isEqualTo(OWN);
        assertThat(components.requestsTo("process-manager").getFirst()).contains("host=\"node2\"").contains("cwd=\"/home/w\"")
                .contains("<env name=\"PBS_JOBID\" value=\"1\"/>");
        assertThat(send("<job-start id=\"1\" nodes=\"node1 node2\"/>", SCHEDULER)).as("started already")
                .contains("code=\"invalid-state\"");
        assertThat(groupEnded(7, "job-1-1", 3)).isEqualTo("<event-ok/>");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("exit-status=\"3\"");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(published()).containsExactly("job-submitted 1 queued", "job-finished 1 completed");
            assertThat(components.requestsTo("process-manager")).as("the recorded group is released")
                    .contains("<del-process-group-info><process-group pgid=\"job-1-1\"/></del-process-group-info>");
        });
        assertThat(groupEnded(7, "job-1-1", 3)).as("a push again is acknowledged and changes nothing").isEqualTo("<event-ok/>");
    }

    @Test
    void cancellingARunningJobKillsItsGroupAndItEndsWithTheReason() {
        submit(OWN, "", SCHEDULER);
        send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER);
        await().atMost(Duration.ofSeconds(5)).until(() -> !created.isEmpty());
        assertThat(send("<job-signal signal=\"USR1\"><job id=\"1\"/></job-signal>", ADMIN)).contains("state=\"running\"");
        assertThat(send("<job-cancel><job id=\"1\"/></job-cancel>", ADMIN)).contains("state=\"exiting\"")
                .contains("reason=\"cancelled by admin\"");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(components.requestsTo("process-manager"))
                .as("a cancel that comes while the create is answered kills once it is").contains(
                        "<signal-process-group signal=\"USR1\" scope=\"group\"><process-group pgid=\"job-1-1\"/>"
                                + "</signal-process-group>",
                        "<kill-process-group><process-group pgid=\"job-1-1\"/></kill-process-group>"));
        groupEnded(1, "job-1-1", 143);
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("exit-status=\"143\"").contains("reason=\"cancelled by admin\"");
    }

    @Test
    void onlyPrivilegedCallersStartOrAnnotateJobsAndStartsNameKnownNodes() {
        submit(null, "", ALICE);
        assertThat(send("<job-start id=\"1\" nodes=\"node1\"/>", ALICE)).contains("code=\"permission-denied\"")
                .contains("may not start jobs");
        assertThat(send("<job-annotate><job id=\"1\" reason=\"mine first\"/></job-annotate>", ALICE))
                .contains("code=\"permission-denied\"");
        assertThat(send("<job-start id=\"1\" nodes=\"node9\"/>", SCHEDULER)).isEqualTo("<error type=\"Data\""
                + " code=\"bad-value\" msg=\"unknown node node9: the node state manager does not know it\"/>");
        assertThat(send("<job-start id=\"5\" nodes=\"node1\"/>", SCHEDULER)).contains("code=\"not-found\"");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ALICE)).contains("state=\"queued\"");
        assertThat(created).isEmpty();
    }

    @Test
    void aStartIsRefusedWhenItsNodesDoNotFitTheJobOrAreHeld() {
        submit(OWN, "", SCHEDULER);
        submit(OWN, "#PBS -l nodes=2&#10;", SCHEDULER);
        assertThat(send("<job-start id=\"2\" nodes=\"node1\"/>", SCHEDULER)).isEqualTo("<error type=\"Semantic\""
                + " code=\"invalid-request\" msg=\"job 2 asks for 2 node(s), 1 given\"/>");
        assertThat(send("<job-start id=\"2\" nodes=\"node1 node1\"/>", SCHEDULER)).contains("code=\"invalid-request\"")
                .contains("a node is listed twice: node1 node1");
        assertThat(send("<job-start id=\"1\" nodes=\"node1\"/>", SCHEDULER)).contains("state=\"running\"");
        assertThat(send("<job-start id=\"2\" nodes=\"node2 node1\"/>", SCHEDULER)).isEqualTo("<error type=\"Semantic\""
                + " code=\"invalid-state\" msg=\"node node1 is allocated to job 1\"/>");
        assertThat(send("<job-query><job id=\"2\"/></job-query>", ADMIN)).contains("state=\"queued\"");
    }

    @Test
    void aPassesStartsGoInOneMessageAndTheReplyNamesOnlyThoseStarted() {
        submit(OWN, "", SCHEDULER);
        submit(OWN, "", SCHEDULER);
        submit(OWN, "", SCHEDULER);
        submit(OWN, "", SCHEDULER);
        String reply = sendTimeless("<job-start><job id=\"1\" nodes=\"node1\"/><job id=\"2\" nodes=\"node1\"/>"
                + "<job id=\"3\" nodes=\"node9\"/><job id=\"4\" nodes=\"node2\"/></job-start>", SCHEDULER);
        assertThat(reply).contains("id=\"1\"").contains("allocated=\"node1\" pgid=\"job-1-1\"")
                .contains("id=\"4\"").contains("allocated=\"node2\" pgid=\"job-4-1\"")
                .doesNotContain("id=\"2\"").doesNotContain("id=\"3\"").doesNotContain("state=\"queued\"");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(created).extracting(CreatepgType::getPgid)
                .containsExactlyInAnyOrder("job-1-1", "job-4-1"));
        assertThat(send("<job-query><job id=\"*\" state=\"queued\"/></job-query>", ADMIN)).contains("id=\"2\"")
                .contains("id=\"3\"");
        assertThat(send("<job-start id=\"2\" nodes=\"node1\"><job id=\"3\" nodes=\"node4\"/></job-start>", SCHEDULER))
                .contains("code=\"invalid-request\"").contains("not both");
        assertThat(send("<job-start/>", SCHEDULER)).contains("code=\"invalid-request\"");
        assertThat(send("<job-start><job id=\"2\" nodes=\"node4\"/><job id=\"2\" nodes=\"node5\"/></job-start>",
                SCHEDULER)).contains("code=\"invalid-request\"").contains("started twice");
        assertThat(send("<job-start><job id=\"2\" nodes=\"node4\"/></job-start>", ALICE))
                .contains("code=\"permission-denied\"");
        assertThat(groupEnded(7, "job-1-1", 0)).isEqualTo("<event-ok/>");
        assertThat(sendTimeless("<job-start><job id=\"2\" nodes=\"node1\"/></job-start>", SCHEDULER))
                .contains("allocated=\"node1\" pgid=\"job-2-1\"");
    }

    @Test
    void theEndsOfOnePushAreRecordedTogetherEachWithItsStatus() {
        submit(OWN, "", SCHEDULER);
        submit(OWN, "", SCHEDULER);
        sendTimeless("<job-start><job id=\"1\" nodes=\"node1\"/><job id=\"2\" nodes=\"node2\"/></job-start>", SCHEDULER);
        await().atMost(Duration.ofSeconds(5)).until(() -> created.size() == 2);
        String push = "<events subscriber=\"queue-manager\" next=\"5\">" + end(3, "job-1-1", 0) + end(4, "job-2-1", 9)
                + end(5, "job-1-1", 0) + "</events>";
        assertThat(send(push, SCHEDULER)).isEqualTo("<event-ok/>");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("exit-status=\"0\"");
        assertThat(send("<job-query><job id=\"2\"/></job-query>", ADMIN)).contains("state=\"completed\"")
                .contains("exit-status=\"9\"");
        assertThat(send(push, SCHEDULER)).as("pushed again: nothing new").isEqualTo("<event-ok/>");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(published()).containsExactly(
                "job-submitted 1 queued", "job-submitted 2 queued", "job-finished 1 completed", "job-finished 2 completed"));
        assertThat(sendTimeless("<job-start><job id=\"3\" nodes=\"node1\"/></job-start>", SCHEDULER)).isEqualTo("<jobs/>");
        submit(OWN, "", SCHEDULER);
        assertThat(sendTimeless("<job-start><job id=\"3\" nodes=\"node1\"/></job-start>", SCHEDULER))
                .as("both nodes are free again").contains("allocated=\"node1\"");
        await("its launch, spool and all, is over before the test's files go").atMost(Duration.ofSeconds(5))
                .until(() -> created.size() == 3);
    }

    private static String end(long seq, String pgid, int status) {
        return "<event component=\"process-manager\" msg=\"process-group-end\" seq=\"" + seq + "\"><process-group pgid=\""
                + pgid + "\" state=\"ended\" exit-status=\"" + status + "\" launched=\"true\"/></event>";
    }

    @Test
    void aSchedulersNotesShowOnTheQueuedJobs() {
        submit(null, "", ALICE);
        assertThat(send("<job-annotate><job id=\"1\" reason=\"waiting for 2 nodes\" expected-start=\"2030-01-01T00:00:00Z\"/>"
                + "</job-annotate>", SCHEDULER)).isEqualTo("<jobs/>");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ALICE)).contains("reason=\"waiting for 2 nodes\"")
                .contains("expected-start=\"2030-01-01T00:00:00Z\"");
    }

    @Test
    void namedNodesAreCheckedAtSubmissionAndHeldToAtTheStart() {
        assertThat(submit(null, "#PBS -l nodes=node9&#10;", ALICE)).isEqualTo("<error type=\"Data\" code=\"bad-value\""
                + " msg=\"-l nodes: unknown node node9: the node state manager does not know it\"/>");
        assertThat(submit(null, "#PBS -l nodes=node1&#10;#PBS -W exclude=node1&#10;", ALICE))
                .contains("-l nodes: node node1 is also excluded (-W exclude)");
        assertThat(submit(null, "#PBS -l nodes=2&#10;#PBS -W exclude=node2&#10;", ALICE))
                .contains("-W exclude: only 1 node(s) have 1 or more slots and are not excluded; the job needs 2");
        String reply = submit(OWN, "#PBS -l nodes=node2&#10;", SCHEDULER);
        assertThat(reply).contains("required-nodes=\"node2\"");
        String id = reply.replaceFirst("(?s).*<job id=\"(\\d+)\".*", "$1");
        assertThat(send("<job-start id=\"" + id + "\" nodes=\"node1\"/>", SCHEDULER)).isEqualTo("<error type=\"Semantic\""
                + " code=\"invalid-request\" msg=\"job " + id + " cannot start on node1: it must be given node(s) node2\"/>");
        assertThat(send("<job-start id=\"" + id + "\" nodes=\"node2\"/>", SCHEDULER)).contains("state=\"running\"");
    }

    @Test
    void featuresAreCheckedAtSubmissionAndHeldToAtTheStart() {
        assertThat(submit(null, "#PBS -l nodes=1:bigmem&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("-l nodes: only 0 node(s) have 1 or more slots, feature(s) bigmem; the job needs 1");
        assertThat(submit(null, "#PBS -l nodes=gpu&#10;", ALICE)).contains("-l nodes: gpu is a feature, not a node "
                + "(a node with it: -l nodes=1:gpu)");
        assertThat(submit(null, "#PBS -l nodes=node1:gpu&#10;", ALICE)).contains("-l nodes: node node1 lacks feature(s) gpu");
        String reply = submit(OWN, "#PBS -l nodes=1:ppn=2:gpu&#10;", SCHEDULER);
        assertThat(reply).contains("features=\"gpu\"").contains("ppn=\"2\"");
        String id = reply.replaceFirst("(?s).*<job id=\"(\\d+)\".*", "$1");
        assertThat(send("<job-start id=\"" + id + "\" nodes=\"node1\"/>", SCHEDULER)).isEqualTo("<error type=\"Semantic\""
                + " code=\"invalid-request\" msg=\"job " + id + " cannot start on node1: node node1 lacks feature(s) gpu\"/>");
        assertThat(send("<job-start><job id=\"" + id + "\" nodes=\"node1\"/></job-start>", SCHEDULER))
                .as("nor in a pass's batch").isEqualTo("<jobs/>");
        assertThat(send("<job-start id=\"" + id + "\" nodes=\"node2\"/>", SCHEDULER)).contains("state=\"running\"");
    }

    @Test
    void gpusAreCheckedAtSubmissionAndHeldToAtTheStart() {
        assertThat(submit(null, "#PBS -l nodes=1:gpus=4&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("-l nodes: only 0 node(s) have 1 or more slots, 4 or more GPUs; the job needs 1");
        String reply = submit(OWN, "#PBS -l nodes=1:gpus=2&#10;", SCHEDULER);
        assertThat(reply).contains("gpus=\"2\"");
        String id = reply.replaceFirst("(?s).*<job id=\"(\\d+)\".*", "$1");
        assertThat(send("<job-start id=\"" + id + "\" nodes=\"node1\"/>", SCHEDULER)).isEqualTo("<error type=\"Semantic\""
                + " code=\"invalid-request\" msg=\"job " + id + " cannot start on node1: node node1 lacks 2 GPU(s)\"/>");
        assertThat(send("<job-start id=\"" + id + "\" nodes=\"node2\"/>", SCHEDULER)).contains("state=\"running\"");
    }

    @Test
    void aReservationIsCheckedWithTheSchedulerAtSubmissionAndKeptWithTheJob() {
        assertThat(submit(null, "#PBS -l advres=res1&#10;", ALICE)).contains("code=\"not-registered\"")
                .contains("reservation res1: reservations are the scheduler's, and no scheduler is running");
        components.stub("scheduler").register("reservation-query", org.sss.schema.ReservationListType.class,
                (request, context) -> {
                    org.sss.schema.Reservations reply = new org.sss.schema.Reservations();
                    if (request.getReservation().getFirst().getId().equals("res1")) {
                        org.sss.schema.ReservationType reservation = new org.sss.schema.ReservationType();
                        reservation.setId("res1");
                        reservation.setNodes("node2");
                        reservation.setStart(java.time.Instant.parse("2030-01-01T08:00:00Z"));
                        reservation.setEnd(java.time.Instant.parse("2030-01-01T08:30:00Z"));
                        reservation.setUsers("carol alice");
                        reply.getReservation().add(reservation);
                    }
                    return reply;
                });
        assertThat(submit(null, "#PBS -l advres=res9&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("reservation res9 does not exist");
        assertThat(submit(null, "#PBS -l advres=res1&#10;", BOB)).contains("code=\"bad-value\"")
                .contains("reservation res1 is not bob's");
        assertThat(submit(null, "#PBS -l advres=res1&#10;#PBS -l nodes=2&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("reservation res1 holds 1 node(s) that could hold the job (not excluded, 1 slot(s)); the job"
                        + " asks for 2");
        assertThat(submit(null, "#PBS -l advres=res1&#10;#PBS -l nodes=1:ppn=1:bigmem&#10;", ALICE))
                .as("the features first: no node has bigmem").contains("only 0 node(s) have");
        assertThat(submit(null, "#PBS -l advres=res1&#10;#PBS -W exclude=node2&#10;", ALICE))
                .contains("reservation res1 holds 0 node(s) that could hold the job");
        assertThat(submit(null, "#PBS -l advres=res1&#10;#PBS -l nodes=node1&#10;", ALICE))
                .contains("reservation res1 does not hold node node1, which the job requires");
        assertThat(submit(null, "#PBS -l advres=res1&#10;#PBS -l walltime=3600&#10;", ALICE))
                .contains("reservation res1 ends at 2030-01-01T08:30:00Z: the job's walltime of 3600 s would outlast it");
        assertThat(submit(null, "#PBS -l advres=res1&#10;#PBS -q fast&#10;", ALICE)).as("a queue without walltimes")
                .contains("a job in a reservation needs a walltime (qsub -l walltime=, sbatch -t) to end inside its window");
        String reply = submit(null, "#PBS -l advres=res1&#10;", ALICE);
        assertThat(reply).contains("reservation=\"res1\"");
        String id = reply.replaceFirst("(?s).*<job id=\"(\\d+)\".*", "$1");
        assertThat(send("<job-modify><job id=\"" + id + "\"/><option>-l</option><option>nodes=2</option></job-modify>",
                ALICE)).as("a qalter that outgrows it").contains("reservation res1 holds 1 node(s) that could hold the job");
        assertThat(send("<job-modify><job id=\"" + id + "\"/><option>-l</option><option>advres=res9</option></job-modify>",
                ALICE)).contains("reservation res9 does not exist");
        assertThat(send("<job-modify><job id=\"" + id + "\"/><option>-l</option><option>walltime=60</option></job-modify>",
                ALICE)).as("kept through other changes").contains("reservation=\"res1\"");
        assertThat(send("<job-modify><job id=\"" + id + "\"/><option>-l</option><option>advres=</option></job-modify>",
                ALICE)).as("taken out of it").doesNotContain("reservation=").contains("walltime=\"60\"");
        assertThat(sendTimeless("<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">"
                + "#!/bin/sh&#10;#SBATCH --reservation=res1&#10;true&#10;</script></job-submit>", ALICE))
                .contains("reservation=\"res1\"");
    }

    @Test
    void qalterChangesMailAndRefusesWhatIsFixedAtSubmission() {
        submit(null, "#PBS -m a&#10;", ALICE);
        String modify = "<job-modify><job id=\"1\"/><option>%s</option><option>%s</option></job-modify>";
        assertThat(send(modify.formatted("-m", "be"), ALICE)).contains("mail-events=\"be\"");
        assertThat(send(modify.formatted("-M", "a@x.org"), ALICE)).contains("mail-users=\"a@x.org\"")
                .contains("mail-events=\"be\"");
        for (String[] fixed : new String[][] {{"-o", "/tmp/x"}, {"-e", "/tmp/y"}, {"-j", "oe"}, {"-v", "A=1"},
                {"-S", "/bin/bash"}}) {
            assertThat(send(modify.formatted(fixed[0], fixed[1]), ALICE)).as(fixed[0]).contains("code=\"bad-value\"")
                    .contains(fixed[0] + ": qalter cannot change it; it is fixed when the job is submitted");
        }
        assertThat(send("<job-modify><job id=\"1\"/><option>-V</option></job-modify>", ALICE))
                .contains("-V: qalter cannot change it");
        assertThat(send("<job-query><job id=\"1\"/></job-query>", ALICE)).contains("mail-events=\"be\"")
                .doesNotContain("/tmp/x");
    }

    @Test
    void qalterKeepsTheNamedNodesUnlessItGivesNewOnes() {
        submit(null, "#PBS -l nodes=node2&#10;#PBS -W exclude=node1&#10;", ALICE);
        String modify = "<job-modify><job id=\"1\"/><option>-l</option><option>%s</option></job-modify>";
        assertThat(send(modify.formatted("walltime=300"), ALICE)).contains("required-nodes=\"node2\"")
                .contains("excluded-nodes=\"node1\"").contains("walltime=\"300\"");
        assertThat(send(modify.formatted("nodes=node1"), ALICE)).contains("code=\"bad-value\"")
                .contains("-l nodes: node node1 is also excluded (-W exclude)");
        assertThat(submit(null, "#PBS -l nodes=1:gpu:gpus=2&#10;", ALICE)).contains("features=\"gpu\"");
        assertThat(send("<job-modify><job id=\"2\"/><option>-W</option><option>exclude=node1</option></job-modify>",
                ALICE)).as("an exclusion keeps the features and GPUs").contains("features=\"gpu\"")
                .contains("gpus=\"2\"").contains("excluded-nodes=\"node1\"");
        String renamed = send(modify.formatted("nodes=1"), ALICE);
        assertThat(renamed).as("a new shape replaces the named nodes").doesNotContain("required-nodes")
                .contains("excluded-nodes=\"node1\"");
        assertThat(send("<job-modify><job id=\"1\"/><option>-W</option><option>exclude=</option></job-modify>", ALICE))
                .as("an empty exclusion clears it").doesNotContain("excluded-nodes").contains("walltime=\"300\"");
    }

    @Test
    void theSignalBeforeTheWalltimeIsKeptWithTheJob() {
        String reply = sendTimeless("<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">"
                + "#!/bin/sh&#10;#SBATCH --signal=B:SIGUSR1@30&#10;true&#10;</script></job-submit>", ALICE);
        assertThat(reply).contains("end-signal=\"B:USR1@30\"").contains("walltime=\"600\"");
        String id = reply.replaceFirst("(?s).*<job id=\"(\\d+)\".*", "$1");
        assertThat(send("<job-modify><job id=\"" + id + "\"/><option>-q</option><option>fast</option><option>-l</option>"
                + "<option>walltime=0</option></job-modify>", ALICE)).as("a qalter may not take its walltime away")
                .contains("code=\"bad-value\"").contains("the job has --signal=B:USR1@30, which needs a time limit");
        assertThat(sendTimeless("<job-submit dialect=\"slurm\" workdir=\"/home/w\"><script name=\"job.sh\">"
                + "#!/bin/sh&#10;#SBATCH --signal=USR1 -p fast&#10;true&#10;</script></job-submit>", ALICE))
                .as("a queue without a default walltime").contains("code=\"bad-value\"")
                .contains("--signal=USR1@60: the job has no time limit to signal before");
    }

    @Test
    void theSignalGoesToTheShellAloneOrTheWholeGroupItsTimeBeforeTheWalltime() {
        for (String spec : List.of("B:USR1@2", "USR2@2")) {
            String reply = sendTimeless("<job-submit dialect=\"slurm\" user=\"" + OWN + "\" workdir=\"/home/w\">"
                    + "<script name=\"job.sh\">#!/bin/sh&#10;#SBATCH --time=0:03 --signal=" + spec
                    + "&#10;true&#10;</script></job-submit>", SCHEDULER);
            String id = reply.replaceFirst("(?s).*<job id=\"(\\d+)\".*", "$1");
            long before = System.nanoTime();
            assertThat(send("<job-start id=\"" + id + "\" nodes=\"node" + id + "\"/>", SCHEDULER)).contains("running");
            await().atMost(Duration.ofSeconds(5)).until(() -> signalled.size() == Integer.parseInt(id));
            assertThat((System.nanoTime() - before) / 1_000_000).as("about a second after the start, not at once")
                    .isGreaterThanOrEqualTo(800);
        }
        assertThat(signalled).extracting(request -> request.getSignal() + " " + request.getScope().value() + " "
                + request.getRank()).containsExactly("USR1 single 0", "USR2 group null");
    }

    @Test
    void aRefusedSubmissionLeavesNoGapInTheJobNumbers() {
        assertThat(submit(null, "#PBS -l nodes=3&#10;", ALICE)).contains("code=\"bad-value\"");
        assertThat(submit(null, "#PBS -l nodes=node9&#10;", ALICE)).contains("code=\"bad-value\"");
        assertThat(submit(null, "", ALICE)).contains("<job id=\"1\"");
    }

    @Test
    void badSubmissionsAreRefusedBeforeAnythingIsStored() {
        assertThat(submit(null, "#PBS -l nodes=3&#10;", ALICE)).contains("type=\"Data\"").contains("code=\"bad-value\"")
                .contains("the cluster has 2 node(s)");
        assertThat(submit(null, "#PBS -l walltime=02:00:00&#10;", ALICE)).contains("code=\"bad-value\"")
                .contains("queue batch allows at most 01:00:00");
        assertThat(submit(null, "#PBS -q nowhere&#10;", ALICE)).contains("unknown queue");
        assertThat(submit("bob", "", ALICE)).contains("code=\"permission-denied\"").contains("may not submit jobs for bob");
        assertThat(submit(null, "", SCHEDULER)).contains("code=\"invalid-request\"").contains("must name its user");
        assertThat(send("<job-query><job id=\"*\"/></job-query>", ADMIN)).isEqualTo("<jobs/>");
        assertThat(events).isEmpty();
    }

    @Test
    void hostileOrInvalidMessagesGetErrorsAndTheDispatcherKeepsServing() {
        assertThat(send("<job-submit workdir=\"/tmp\"><script name=\"x\">", ALICE)).contains("type=\"Validation\"")
                .contains("code=\"not-well-formed\"").contains("msg=\"");
        assertThat(send("<job-start id=\"abc\" nodes=\"node1\"/>", SCHEDULER)).contains("type=\"Validation\"")
                .contains("code=\"schema-invalid\"");
        assertThat(send("<job-query/>", ALICE)).as("a query needs a restriction").contains("code=\"schema-invalid\"");
        assertThat(send("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><job-query><job id=\"&e;\"/></job-query>",
                ALICE)).contains("code=\"doctype-forbidden\"");
        assertThat(send("<get-node-state><node name=\"*\"/></get-node-state>", ALICE))
                .isEqualTo("<error type=\"Semantic\" code=\"unsupported-operation\" msg=\"queue-manager does not serve"
                        + " &lt;get-node-state>\"/>");
        assertThat(send("<events subscriber=\"nobody\"/>", SCHEDULER)).contains("code=\"not-found\"");
        assertThat(submit(null, "", ALICE)).as("still serving").contains("state=\"queued\"");
    }
}
